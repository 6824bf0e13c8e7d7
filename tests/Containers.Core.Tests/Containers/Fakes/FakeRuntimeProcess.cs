using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Containers.Containers;

namespace Containers.Core.Tests.Containers.Fakes;

/// <summary>
/// A container process that exists only in memory: it waits at its start barrier until started, then does what its
/// <see cref="FakeProcessBehavior"/> says, and exits when a signal ends it or a test calls <see cref="Exit"/>.
/// </summary>
/// <remarks>
/// Signals to a frozen (paused) process stay pending until it is thawed, SIGKILL included, as with the cgroup v1 freezer
/// this project's CI host has; so the engine must thaw a paused container before it can expect it to die.
/// </remarks>
public sealed class FakeRuntimeProcess : IRuntimeProcess
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Pipe _stdout = new();
    private readonly Pipe _stderr = new();
    private readonly Pipe? _stdin;
    private readonly List<int> _received = [];
    private readonly List<int> _pending = [];
    private bool _frozen;

    internal FakeRuntimeProcess(string containerId, int pid, ulong startTime, FakeProcessBehavior behavior, bool openStdin)
    {
        ContainerId = containerId;
        Pid = pid;
        StartTime = startTime;
        Behavior = behavior;
        _stdin = openStdin ? new Pipe() : null;
        StandardInput = _stdin?.Writer.AsStream();
        StandardOutput = _stdout.Reader.AsStream();
        StandardError = _stderr.Reader.AsStream();
    }

    /// <summary>Gets the container this process belongs to.</summary>
    public string ContainerId { get; }

    /// <summary>Gets what this process does.</summary>
    public FakeProcessBehavior Behavior { get; }

    public int Pid { get; }

    public ulong StartTime { get; }

    public Stream? StandardInput { get; }

    public Stream StandardOutput { get; }

    public Stream StandardError { get; }

    /// <summary>Gets or sets what happens as the process exits, before anyone waiting learns it (a PID 1's exit kills the rest of its namespace).</summary>
    internal Action? BeforeExit { get; set; }

    /// <summary>Gets a value indicating whether the process passed its start barrier.</summary>
    public bool Started { get; private set; }

    /// <summary>Gets a value indicating whether the engine disposed the process.</summary>
    public bool Disposed { get; private set; }

    /// <summary>Gets a value indicating whether the process exited.</summary>
    public bool HasExited => _exit.Task.IsCompleted;

    /// <summary>Gets a task that completes with the exit code.</summary>
    public Task<int> Exited => _exit.Task;

    /// <summary>Gets the signals the process received, in order (those pending while it is frozen included).</summary>
    public IReadOnlyList<int> ReceivedSignals
    {
        get
        {
            lock (_gate)
            {
                return _received.ToList();
            }
        }
    }

    /// <summary>Gets a value indicating whether the process is frozen.</summary>
    public bool Frozen
    {
        get
        {
            lock (_gate)
            {
                return _frozen;
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Behavior.StartError is { } error)
        {
            // The program could not be executed: the process at the barrier exits, as the real one does.
            Exit(error is ContainerCommandException command ? command.ExitCode : 127);
            throw error;
        }

        if (HasExited)
        {
            throw new ContainerStartException("starting the container", 3, "ESRCH", "the container process is gone");
        }

        Started = true;
        Write(_stdout, Behavior.Output);
        if (Behavior.ExitCodeAfterStart is { } code)
        {
            // A little later, as a real program that exits at once: never inside the engine's start call.
            _ = Task.Run(() => Exit(code), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public Task<int> WaitForExitAsync(CancellationToken cancellationToken = default) => _exit.Task.WaitAsync(cancellationToken);

    /// <summary>Makes the process exit with <paramref name="exitCode"/>; returns false when it had exited already.</summary>
    public bool Exit(int exitCode)
    {
        lock (_gate)
        {
            if (_exit.Task.IsCompleted)
            {
                return false;
            }

            _stdout.Writer.Complete();
            _stderr.Writer.Complete();
            _stdin?.Reader.Complete();
            BeforeExit?.Invoke();
            _exit.SetResult(exitCode);
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // As the real process: one still running is killed, and the streams are released.
        Disposed = true;
        Exit(128 + Signals.Kill);
        await _exit.Task.ConfigureAwait(false);
        if (StandardInput is not null)
        {
            await StandardInput.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Delivers a signal as the kernel would; returns false when the process is gone.</summary>
    internal bool Deliver(int signal)
    {
        lock (_gate)
        {
            if (_exit.Task.IsCompleted)
            {
                return false;
            }

            _received.Add(signal);
            if (_frozen)
            {
                _pending.Add(signal);
                return true;
            }
        }

        Act(signal);
        return true;
    }

    internal void Freeze()
    {
        lock (_gate)
        {
            _frozen = true;
        }
    }

    internal void Thaw()
    {
        List<int> pending;
        lock (_gate)
        {
            _frozen = false;
            pending = _pending.ToList();
            _pending.Clear();
        }

        foreach (var signal in pending)
        {
            Act(signal);
        }
    }

    private void Act(int signal)
    {
        if (signal == Signals.Kill)
        {
            Exit(128 + Signals.Kill);
        }
        else if (Behavior.ExitCodeOnSignal.TryGetValue(signal, out var code))
        {
            Exit(code);
        }
    }

    private void Write(Pipe pipe, string text)
    {
        lock (_gate)
        {
            if (text.Length > 0 && !_exit.Task.IsCompleted)
            {
                pipe.Writer.Write(Encoding.UTF8.GetBytes(text));
                _ = pipe.Writer.FlushAsync();
            }
        }
    }
}
