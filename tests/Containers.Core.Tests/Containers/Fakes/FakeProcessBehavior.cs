using Containers.Containers;

namespace Containers.Core.Tests.Containers.Fakes;

/// <summary>
/// What a fake container process does: when it exits and with which code, which signals end it, what it writes, and
/// whether the runtime fails to create or start it. SIGKILL always ends it, as the kernel's does.
/// </summary>
public sealed record FakeProcessBehavior
{
    /// <summary>Gets the exit code the process exits with right after it starts; null keeps it running until a signal or <see cref="FakeRuntimeProcess.Exit"/>.</summary>
    public int? ExitCodeAfterStart { get; init; }

    /// <summary>Gets what the process writes to its standard output once it starts.</summary>
    public string Output { get; init; } = string.Empty;

    /// <summary>Gets the signals that end the process, each with the exit code it then has; any other signal but SIGKILL is ignored.</summary>
    public IReadOnlyDictionary<int, int> ExitCodeOnSignal { get; init; } = new Dictionary<int, int>();

    /// <summary>Gets the error <see cref="IContainerRuntime.CreateAsync"/> throws (a setup step failed); nothing is created.</summary>
    public Exception? CreateError { get; init; }

    /// <summary>Gets the error <see cref="IRuntimeProcess.StartAsync"/> throws (the program cannot run); the process exits.</summary>
    public Exception? StartError { get; init; }

    /// <summary>Gets a value indicating whether the runtime reports that the OOM killer killed a process of the container.</summary>
    public bool OomKilled { get; init; }

    /// <summary>A process that ends on the signals whose default action is to terminate (TERM, INT, QUIT, HUP), with 128 + the signal.</summary>
    public static FakeProcessBehavior RunsUntilSignalled() => new()
    {
        ExitCodeOnSignal = new Dictionary<int, int> { [Signals.Term] = 128 + Signals.Term, [2] = 130, [3] = 131, [1] = 129 },
    };

    /// <summary>A process that ignores every signal it can (a PID 1 without handlers): only SIGKILL ends it.</summary>
    public static FakeProcessBehavior IgnoresSignals() => new();

    /// <summary>A process that traps <paramref name="signal"/> and exits with <paramref name="exitCode"/> (<c>trap 'exit N' SIG</c>).</summary>
    public static FakeProcessBehavior Traps(int signal, int exitCode) => new() { ExitCodeOnSignal = new Dictionary<int, int> { [signal] = exitCode } };

    /// <summary>A process that writes <paramref name="output"/> and exits with <paramref name="exitCode"/> once started.</summary>
    public static FakeProcessBehavior Exits(int exitCode, string output = "") => new() { ExitCodeAfterStart = exitCode, Output = output };

    /// <summary>A container the runtime cannot set up: its create throws <paramref name="error"/>.</summary>
    public static FakeProcessBehavior FailsToCreate(Exception error) => new() { CreateError = error };

    /// <summary>A container whose program cannot run: its start throws <paramref name="error"/>.</summary>
    public static FakeProcessBehavior FailsToStart(Exception error) => new() { StartError = error };
}
