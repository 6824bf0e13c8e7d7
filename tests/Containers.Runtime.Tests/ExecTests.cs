using System.Text.Json.Nodes;
using Containers.Testing;

namespace Containers.Runtime.Tests;

/// <summary><c>exec --process FILE</c>: a further process joins a running container's namespaces and cgroup.</summary>
public sealed class ExecTests : IDisposable
{
    private readonly TempDirectory _scratch = new("ocirt-exec");
    private readonly RuntimeCli _cli;

    public ExecTests() => _cli = new RuntimeCli(_scratch);

    public void Dispose()
    {
        _cli.Dispose();
        _scratch.Dispose();
    }

    private string ProcessFile(params string[] args)
    {
        var path = _scratch.Combine($"process-{Guid.NewGuid():N}.json");
        var process = new JsonObject
        {
            ["terminal"] = false,
            ["user"] = new JsonObject { ["uid"] = 0, ["gid"] = 0 },
            ["args"] = new JsonArray(args.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()),
            ["env"] = new JsonArray("PATH=/bin"),
            ["cwd"] = "/tmp",
            ["capabilities"] = new JsonObject { ["bounding"] = new JsonArray("CAP_KILL"), ["effective"] = new JsonArray("CAP_KILL"), ["permitted"] = new JsonArray("CAP_KILL") },
        };
        File.WriteAllText(path, process.ToJsonString());
        return path;
    }

    [Fact]
    public async Task Exec_runs_in_the_container_with_its_own_identity_and_returns_the_exit_code()
    {
        var id = RuntimeBundle.NewId("exec");
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["sh", "-c", "echo inside > /tmp/mark; exec sleep 1000"], c => c["root"]!["readonly"] = false);
        (await _cli.RunAsync("create", "--bundle", bundle, id)).ExitCode.Should().Be(0);
        var notYet = await _cli.RunAsync("exec", "--process", ProcessFile("true"), id);
        notYet.ExitCode.Should().Be(1);
        notYet.Stderr.Should().Contain("cannot exec in a created container");
        (await _cli.RunAsync("start", id)).ExitCode.Should().Be(0);
        await Eventually.UntilAsync(() => Task.FromResult(File.Exists(Path.Combine(bundle, "rootfs/tmp/mark"))), "the container to start");

        var exec = await _cli.RunAsync("exec", "--process", ProcessFile("sh", "-c", "pwd; cat mark; cat /proc/1/cmdline | tr '\\0' ' '; grep CapEff /proc/self/status; exit 4"), id);
        exec.ExitCode.Should().Be(4, exec.Stderr);
        exec.Stdout.Should().Be("/tmp\ninside\nsleep 1000 CapEff:\t0000000000000020\n", "it sees the container's files and pid namespace and has only CAP_KILL");
        var cgroup = await File.ReadAllTextAsync(Path.Combine(global::Containers.Testing.HostCgroups.Directory("memory", $"containers-runtime/{id}"), "cgroup.procs"));
        cgroup.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(1, "the exec'd process has exited; only the container's process is left");

        var detached = await _cli.RunAsync("exec", "--detach", "--pid-file", _scratch.Combine("exec.pid"), "--process", ProcessFile("sleep", "1000"), id);
        detached.ExitCode.Should().Be(0, detached.Stderr);
        var pid = int.Parse(await File.ReadAllTextAsync(_scratch.Combine("exec.pid")), System.Globalization.CultureInfo.InvariantCulture);
        (await File.ReadAllTextAsync(Path.Combine(global::Containers.Testing.HostCgroups.Directory("memory", $"containers-runtime/{id}"), "cgroup.procs"))).Should().Contain(pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

        (await _cli.RunAsync("delete", "--force", id)).ExitCode.Should().Be(0);
        RuntimeBundle.CgroupExists(id).Should().BeFalse();
    }

    [Fact]
    public async Task Exec_of_a_missing_program_or_without_a_process_file_fails_clearly()
    {
        var id = RuntimeBundle.NewId("execbad");
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["sleep", "1000"]);
        (await _cli.RunAsync("create", "--bundle", bundle, id)).ExitCode.Should().Be(0);
        (await _cli.RunAsync("start", id)).ExitCode.Should().Be(0);

        var missing = await _cli.RunAsync("exec", "--process", ProcessFile("no-such-program"), id);
        missing.ExitCode.Should().Be(1);
        missing.Stderr.Should().Contain("executable file not found in $PATH");
        var noFile = await _cli.RunAsync("exec", "--process", _scratch.Combine("absent.json"), id);
        noFile.ExitCode.Should().Be(1);
        noFile.Stderr.Should().Contain("reading the process file");
        var inline = await _cli.RunAsync("exec", id, "true");
        inline.ExitCode.Should().Be(1);
        inline.Stderr.Should().Contain("Incorrect Usage");
        (await _cli.RunAsync("exec", "--process", ProcessFile("true"), "ocirt-missing")).Stderr.Should().Contain("does not exist");

        (await _cli.RunAsync("delete", "--force", id)).ExitCode.Should().Be(0);
    }
}
