using System.Text.Json;
using System.Text.Json.Nodes;
using Containers.Testing;

namespace Containers.Runtime.Tests;

/// <summary>create, state, start, kill, delete and run through the real executable, as an engine drives a runtime.</summary>
public sealed class LifecycleTests : IDisposable
{
    private readonly TempDirectory _scratch = new("ocirt-life");
    private readonly RuntimeCli _cli;

    public LifecycleTests() => _cli = new RuntimeCli(_scratch);

    public void Dispose()
    {
        _cli.Dispose();
        _scratch.Dispose();
    }

    private async Task<JsonElement> StateAsync(string id)
    {
        var state = await _cli.RunAsync("state", id);
        state.ExitCode.Should().Be(0, state.Stderr);
        return JsonDocument.Parse(state.Stdout).RootElement;
    }

    [Fact]
    public async Task Create_waits_for_start_then_state_follows_the_process_until_delete_removes_everything()
    {
        var id = RuntimeBundle.NewId("life");
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["sh", "-c", "echo started as $$; exec sleep 1000"]);
        var pidFile = _scratch.Combine("pid");

        var create = await _cli.RunAsync("create", "--bundle", bundle, "--pid-file", pidFile, id);
        create.ExitCode.Should().Be(0, create.Stderr);
        var created = await StateAsync(id);
        created.GetProperty("ociVersion").GetString().Should().NotBeNullOrEmpty();
        created.GetProperty("id").GetString().Should().Be(id);
        created.GetProperty("status").GetString().Should().Be("created");
        created.GetProperty("bundle").GetString().Should().Be(bundle);
        created.GetProperty("annotations").ValueKind.Should().Be(JsonValueKind.Object);
        var pid = created.GetProperty("pid").GetInt32();
        pid.Should().BeGreaterThan(0);
        (await File.ReadAllTextAsync(pidFile)).Should().Be(pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.Exists($"/proc/{pid}").Should().BeTrue("the container outlives the create process");
        (await File.ReadAllTextAsync(create.StdoutPath)).Should().BeEmpty("the program does not run before start");
        RuntimeBundle.CgroupExists(id).Should().BeTrue();

        var start = await _cli.RunAsync("start", id);
        start.ExitCode.Should().Be(0, start.Stderr);
        await Eventually.UntilAsync(async () => (await File.ReadAllTextAsync(create.StdoutPath)).Contains("started as 1", StringComparison.Ordinal), "the container's output");
        (await StateAsync(id)).GetProperty("status").GetString().Should().Be("running");

        var again = await _cli.RunAsync("start", id);
        again.ExitCode.Should().Be(1);
        again.Stderr.Should().Contain("cannot start an already running container");
        var busy = await _cli.RunAsync("delete", id);
        busy.ExitCode.Should().Be(1);
        busy.Stderr.Should().Contain($"cannot delete container {id} that is not stopped: running");

        var kill = await _cli.RunAsync("kill", id, "SIGKILL");
        kill.ExitCode.Should().Be(0, kill.Stderr);
        await Eventually.UntilAsync(async () => (await StateAsync(id)).GetProperty("status").GetString() == "stopped", "the container to stop");
        (await StateAsync(id)).GetProperty("pid").GetInt32().Should().Be(0);
        var killStopped = await _cli.RunAsync("kill", id, "KILL");
        killStopped.ExitCode.Should().Be(1);
        killStopped.Stderr.Should().Contain("not running");

        var delete = await _cli.RunAsync("delete", id);
        delete.ExitCode.Should().Be(0, delete.Stderr);
        Directory.Exists(Path.Combine(_cli.StateRoot, id)).Should().BeFalse();
        RuntimeBundle.CgroupExists(id).Should().BeFalse();
        (await _cli.RunAsync("state", id)).Stderr.Should().Contain("does not exist");
    }

    [Fact]
    public async Task A_short_program_prints_then_stops_and_delete_needs_no_force()
    {
        var id = RuntimeBundle.NewId("short");
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["echo", "hello from the bundle"]);
        var create = (await _cli.RunAsync("create", "--bundle", bundle, id)).StdoutPath;
        (await _cli.RunAsync("start", id)).ExitCode.Should().Be(0);
        await Eventually.UntilAsync(async () => (await StateAsync(id)).GetProperty("status").GetString() == "stopped", "the program to finish");
        (await File.ReadAllTextAsync(create)).Should().Be("hello from the bundle\n");
        (await _cli.RunAsync("start", id)).Stderr.Should().Contain("cannot start a container that has stopped");
        (await _cli.RunAsync("delete", id)).ExitCode.Should().Be(0);
        Directory.Exists(Path.Combine(_cli.StateRoot, id)).Should().BeFalse();
    }

    [Theory]
    [InlineData("9", false)]
    [InlineData("TERM", true)]
    public async Task Kill_takes_signal_numbers_and_names_and_all_reaches_every_process(string signal, bool all)
    {
        var id = RuntimeBundle.NewId("kill");

        // A shell that traps TERM, so a signal to the namespace's init is delivered, with a child of its own.
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"]);
        (await _cli.RunAsync("create", "--bundle", bundle, id)).ExitCode.Should().Be(0);
        (await _cli.RunAsync("start", id)).ExitCode.Should().Be(0);
        var kill = all ? await _cli.RunAsync("kill", "--all", id, signal) : await _cli.RunAsync("kill", id, signal);
        kill.ExitCode.Should().Be(0, kill.Stderr);
        await Eventually.UntilAsync(async () => (await StateAsync(id)).GetProperty("status").GetString() == "stopped", "the container to stop");
        (await _cli.RunAsync("delete", id)).ExitCode.Should().Be(0);
        RuntimeBundle.CgroupExists(id).Should().BeFalse("delete kills what is left and removes the cgroup");
    }

    [Fact]
    public async Task Delete_of_a_created_container_kills_it_and_force_deletes_a_running_one()
    {
        var created = RuntimeBundle.NewId("delc");
        var running = RuntimeBundle.NewId("delr");
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["sleep", "1000"]);
        (await _cli.RunAsync("create", "--bundle", bundle, created)).ExitCode.Should().Be(0);
        (await _cli.RunAsync("create", "--bundle", bundle, running)).ExitCode.Should().Be(0);
        (await _cli.RunAsync("start", running)).ExitCode.Should().Be(0);
        var createdPid = (await StateAsync(created)).GetProperty("pid").GetInt32();
        var runningPid = (await StateAsync(running)).GetProperty("pid").GetInt32();

        (await _cli.RunAsync("delete", created)).ExitCode.Should().Be(0);
        (await _cli.RunAsync("delete", "--force", running)).ExitCode.Should().Be(0);

        foreach (var pid in new[] { createdPid, runningPid })
        {
            var stat = $"/proc/{pid}/stat";
            (!File.Exists(stat) || File.ReadAllText(stat).Contains(") Z ", StringComparison.Ordinal)).Should().BeTrue();
        }

        Directory.EnumerateFileSystemEntries(_cli.StateRoot).Should().BeEmpty();
        (await _cli.RunAsync("delete", "--force", created)).ExitCode.Should().Be(0, "delete --force of a missing container succeeds, as with runc");
    }

    [Fact]
    public async Task Run_passes_the_exit_code_through_and_leaves_nothing()
    {
        var id = RuntimeBundle.NewId("run");
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["sh", "-c", "echo ran; exit 7"]);
        var run = await _cli.RunAsync("run", "--bundle", bundle, id);
        run.ExitCode.Should().Be(7, run.Stderr);
        run.Stdout.Should().Be("ran\n");
        Directory.Exists(Path.Combine(_cli.StateRoot, id)).Should().BeFalse();
        RuntimeBundle.CgroupExists(id).Should().BeFalse();
    }

    [Fact]
    public async Task A_namespace_given_by_path_is_joined()
    {
        var name = RuntimeBundle.NewId("ns");
        await ExternalTool.RunCheckedAsync("ip", "netns", "add", name);
        try
        {
            var path = $"/run/netns/{name}";
            var bundle = await RuntimeBundle.CreateAsync(_scratch, ["readlink", "/proc/self/ns/net"], config =>
            {
                foreach (var ns in config["linux"]!["namespaces"]!.AsArray())
                {
                    if (ns!["type"]!.GetValue<string>() == "network")
                    {
                        ns["path"] = path;
                    }
                }
            });
            var run = await _cli.RunAsync("run", "--bundle", bundle, name);
            run.ExitCode.Should().Be(0, run.Stderr);
            var inode = (await ExternalTool.RunCheckedAsync("stat", "-L", "-c", "%i", path)).Trim();
            run.Stdout.Trim().Should().Be($"net:[{inode}]");
        }
        finally
        {
            await ExternalTool.RunAsync("ip", ["netns", "del", name]);
        }
    }

    [Fact]
    public async Task Features_and_version_answer_what_engines_probe()
    {
        var version = await _cli.RunAsync("--version");
        version.ExitCode.Should().Be(0);
        version.Stdout.Should().StartWith("containers-runtime version ").And.Contain("spec: ");
        var features = await _cli.RunAsync("features");
        features.ExitCode.Should().Be(0);
        JsonNode.Parse(features.Stdout)!["ociVersionMax"]!.GetValue<string>().Should().NotBeEmpty();
    }
}
