using Containers.Testing;

namespace Containers.Runtime.Tests;

/// <summary>
/// Runs the built <c>containers-runtime</c> as a separate process, with its standard streams in files: a created
/// container keeps the creator's streams, so a pipe would stay open until the container exits.
/// </summary>
internal sealed class RuntimeCli : IDisposable
{
    private readonly TempDirectory _scratch;
    private readonly List<string> _created = [];
    private int _calls;

    public RuntimeCli(TempDirectory scratch)
    {
        _scratch = scratch;
        StateRoot = scratch.Combine("state");
        // The native (AOT) executable, published beside the tests by the build (tests/NativeExecutables.targets).
        ProgramPath = Path.Combine(AppContext.BaseDirectory, "native", "containers-runtime");

        // podman's cleanup process (conmon's exit command) does not repeat --runtime-flag, so the state root is fixed here.
        EnginePath = scratch.Combine("containers-runtime-for-engines");
        File.WriteAllText(EnginePath, $"#!/bin/sh\nexec {ProgramPath} --root {StateRoot} \"$@\"\n");
        File.SetUnixFileMode(EnginePath, (UnixFileMode)0x1ED);
    }

    /// <summary>Gets an executable script that runs the runtime with this test's state root, for engines such as podman.</summary>
    public string EnginePath { get; }

    /// <summary>Force-deletes every container this runner created, so a failed assertion leaves no process or cgroup behind.</summary>
    public void Dispose()
    {
        foreach (var id in _created)
        {
            if (Directory.Exists(Path.Combine(StateRoot, id)))
            {
                RunAsync("delete", "--force", id).GetAwaiter().GetResult();
            }
        }
    }

    /// <summary>Gets the runtime's state directory for this test (its <c>--root</c>).</summary>
    public string StateRoot { get; }

    /// <summary>Gets the native runtime executable.</summary>
    public string ProgramPath { get; }

    /// <summary>Runs the runtime with <c>--root</c> and the arguments; returns its exit code, stdout and stderr (and the stdout file's path).</summary>
    public async Task<RuntimeResult> RunAsync(params string[] args)
    {
        if (args.Length > 1 && args[0] is "create" or "run")
        {
            lock (_created)
            {
                _created.Add(args[^1]);
            }
        }

        var call = Interlocked.Increment(ref _calls);
        var stdout = _scratch.Combine($"call-{call}.out");
        var stderr = _scratch.Combine($"call-{call}.err");
        var result = await ExternalTool.RunAsync(
            "/bin/sh",
            ["-c", "exec \"$0\" \"$@\" </dev/null >\"$OUT\" 2>\"$ERR\"", ProgramPath, "--root", StateRoot, .. args],
            timeout: TimeSpan.FromMinutes(2),
            environment: new Dictionary<string, string> { ["OUT"] = stdout, ["ERR"] = stderr });
        return new RuntimeResult(result.ExitCode, await File.ReadAllTextAsync(stdout), await File.ReadAllTextAsync(stderr), stdout);
    }
}

/// <summary>One run of the runtime.</summary>
internal sealed record RuntimeResult(int ExitCode, string Stdout, string Stderr, string StdoutPath);
