using Containers.Testing;

namespace Containers.Runtime.Tests;

/// <summary>Runs the reference runtime, runc (1.1.5 here), with its own state root and its streams in files, as <see cref="RuntimeCli"/> runs ours.</summary>
internal sealed class RuncCli(TempDirectory scratch)
{
    private readonly string _stateRoot = scratch.Combine("runc-state");
    private int _calls;

    public async Task<RuntimeResult> RunAsync(params string[] args)
    {
        var call = Interlocked.Increment(ref _calls);
        var stdout = scratch.Combine($"runc-{call}.out");
        var stderr = scratch.Combine($"runc-{call}.err");
        var result = await ExternalTool.RunAsync(
            "/bin/sh",
            ["-c", "exec \"$0\" \"$@\" </dev/null >\"$OUT\" 2>\"$ERR\"", ExternalTool.Require("runc"), "--root", _stateRoot, .. args],
            timeout: TimeSpan.FromMinutes(2),
            environment: new Dictionary<string, string> { ["OUT"] = stdout, ["ERR"] = stderr });
        return new RuntimeResult(result.ExitCode, await File.ReadAllTextAsync(stdout), await File.ReadAllTextAsync(stderr), stdout);
    }
}
