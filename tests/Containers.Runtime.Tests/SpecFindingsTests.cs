using System.Text.Json;
using System.Text.Json.Nodes;
using Containers.Testing;

namespace Containers.Runtime.Tests;

/// <summary>The runtime-spec findings of issue 14, each against the real executable (and runc where it tells what is right).</summary>
public sealed class SpecFindingsTests : IDisposable
{
    private readonly TempDirectory _scratch = new("ocirt-spec");
    private readonly RuntimeCli _cli;

    public SpecFindingsTests() => _cli = new RuntimeCli(_scratch);

    public void Dispose()
    {
        _cli.Dispose();
        _scratch.Dispose();
    }

    private static JsonObject DenyingSeccomp(params string[] names) => new()
    {
        ["defaultAction"] = "SCMP_ACT_ALLOW",
        ["syscalls"] = new JsonArray(new JsonObject { ["names"] = new JsonArray(names.Select(n => (JsonNode)n).ToArray()), ["action"] = "SCMP_ACT_ERRNO", ["errnoRet"] = 1 }),
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_seccomp_profile_refusing_close_range_still_creates_the_container(bool noNewPrivileges)
    {
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["sh", "-c", "grep ^Seccomp: /proc/self/status"], c =>
        {
            c["process"]!["noNewPrivileges"] = noNewPrivileges;
            c["linux"]!["seccomp"] = DenyingSeccomp("close_range", "chdir", "getcwd");
        });
        var run = await _cli.RunAsync("run", "--bundle", bundle, RuntimeBundle.NewId("seccomp"));
        run.ExitCode.Should().Be(0, run.Stderr);
        run.Stdout.Should().Be("Seccomp:\t2\n", "the filter is installed, after the steps the runtime needs");
    }

    [Fact]
    public async Task Hooks_run_at_their_points_with_the_state_on_stdin_in_the_namespaces_the_spec_names()
    {
        var log = _scratch.Combine("hooks.log");
        await File.WriteAllTextAsync(log, string.Empty);
        JsonObject Hook(string kind) => new()
        {
            ["path"] = "/bin/sh",
            ["args"] = new JsonArray("sh", "-c", $"echo \"{kind} $HOOK_ENV $(readlink /proc/self/ns/mnt) $(grep -o '\"status\": \"[a-z]*\"' | tr -d '\\n')\" >> {log}"),
            ["env"] = new JsonArray("HOOK_ENV=env-" + kind),
            ["timeout"] = 30,
        };
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["sh", "-c", "echo program"], c => c["hooks"] = new JsonObject
        {
            ["createRuntime"] = new JsonArray(Hook("createRuntime")),
            ["prestart"] = new JsonArray(Hook("prestart")),
            ["createContainer"] = new JsonArray(Hook("createContainer")),
            ["poststart"] = new JsonArray(Hook("poststart")),
            ["poststop"] = new JsonArray(Hook("poststop")),

            // Runs inside the container after pivot_root: its path and output are the container's.
            ["startContainer"] = new JsonArray(new JsonObject { ["path"] = "/bin/sh", ["args"] = new JsonArray("sh", "-c", "echo startContainer $(grep -o '\"status\": \"[a-z]*\"')") }),
        });

        var id = RuntimeBundle.NewId("hooks");
        var run = await _cli.RunAsync("run", "--bundle", bundle, id);
        run.ExitCode.Should().Be(0, run.Stderr);
        run.Stdout.Should().Be("startContainer \"status\": \"created\"\nprogram\n");
        var host = new FileInfo("/proc/self/ns/mnt").LinkTarget;
        var lines = (await File.ReadAllLinesAsync(log)).Select(l => l.Split(' ')).ToList();
        lines.Select(l => l[0]).Should().Equal("createRuntime", "prestart", "createContainer", "poststart", "poststop");
        lines.Select(l => l[1]).Should().Equal("env-createRuntime", "env-prestart", "env-createContainer", "env-poststart", "env-poststop");
        lines.Where(l => l[0] != "createContainer").Select(l => l[2]).Should().AllBe(host, "these hooks run in the runtime's mount namespace");
        lines.Single(l => l[0] == "createContainer")[2].Should().NotBe(host, "createContainer runs in the container's mount namespace");
        lines.Select(l => string.Join(' ', l.Skip(3))).Should().Equal(
            "\"status\": \"creating\"", "\"status\": \"creating\"", "\"status\": \"creating\"", "\"status\": \"running\"", "\"status\": \"stopped\"");
    }

    [Theory]
    [InlineData("prestart")]
    [InlineData("createRuntime")]
    [InlineData("createContainer")]
    public async Task A_failing_hook_before_start_fails_create_and_leaves_nothing(string kind)
    {
        var marker = _scratch.Combine(kind + "-poststop");
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["sh", "-c", "echo program"], c => c["hooks"] = new JsonObject
        {
            [kind] = new JsonArray(new JsonObject { ["path"] = "/bin/sh", ["args"] = new JsonArray("sh", "-c", "exit 3") }),
            ["poststop"] = new JsonArray(new JsonObject { ["path"] = "/bin/touch", ["args"] = new JsonArray("touch", marker) }),
        }, kind);
        var id = RuntimeBundle.NewId("hookfail");
        var create = await _cli.RunAsync("create", "--bundle", bundle, id);
        create.ExitCode.Should().Be(1);
        create.Stderr.Should().Contain(kind).And.Contain("exit status 3");
        Directory.Exists(Path.Combine(_cli.StateRoot, id)).Should().BeFalse();
        RuntimeBundle.CgroupExists(id).Should().BeFalse();
        File.Exists(marker).Should().BeTrue("the container was stopped and deleted, so poststop ran");
    }

    [Fact]
    public async Task A_hook_past_its_timeout_fails_create()
    {
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["true"], c => c["hooks"] = new JsonObject
        {
            ["createContainer"] = new JsonArray(new JsonObject { ["path"] = "/bin/sleep", ["args"] = new JsonArray("sleep", "60"), ["timeout"] = 1 }),
        });
        var create = await _cli.RunAsync("create", "--bundle", bundle, RuntimeBundle.NewId("hookslow"));
        create.ExitCode.Should().Be(1);
        create.Stderr.Should().Contain("createContainer hook #0").And.Contain("timed out");
    }

    [Fact]
    public async Task Failing_poststart_and_poststop_hooks_only_warn()
    {
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["sh", "-c", "exit 4"], c => c["hooks"] = new JsonObject
        {
            ["poststart"] = new JsonArray(new JsonObject { ["path"] = "/bin/false" }),
            ["poststop"] = new JsonArray(new JsonObject { ["path"] = "/bin/false" }),
        });
        var run = await _cli.RunAsync("run", "--bundle", bundle, RuntimeBundle.NewId("hookwarn"));
        run.ExitCode.Should().Be(4, run.Stderr);
        run.Stderr.Should().Contain("poststart hook #0").And.Contain("poststop hook #0").And.Contain("warning");
    }

    [Fact]
    public async Task Devices_of_every_type_are_created_with_their_mode_and_owner()
    {
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["sh", "-c", "for d in fifo chr blk unb; do stat -c '%n %F %a %u %g %t %T' /dev/t-$d; done"], c => c["linux"]!["devices"] = new JsonArray(
            new JsonObject { ["path"] = "/dev/t-fifo", ["type"] = "p", ["fileMode"] = 0x1A0, ["uid"] = 1000, ["gid"] = 1001 },
            new JsonObject { ["path"] = "/dev/t-chr", ["type"] = "c", ["major"] = 1, ["minor"] = 3, ["fileMode"] = 0x180, ["uid"] = 1002, ["gid"] = 0 },
            new JsonObject { ["path"] = "/dev/t-blk", ["type"] = "b", ["major"] = 7, ["minor"] = 201, ["fileMode"] = 0x1B0, ["uid"] = 0, ["gid"] = 6 },
            new JsonObject { ["path"] = "/dev/t-unb", ["type"] = "u", ["major"] = 1, ["minor"] = 5, ["fileMode"] = 0x1B6 }));
        var run = await _cli.RunAsync("run", "--bundle", bundle, RuntimeBundle.NewId("dev"));
        run.ExitCode.Should().Be(0, run.Stderr);
        run.Stdout.Should().Be(
            "/dev/t-fifo fifo 640 1000 1001 0 0\n" +
            "/dev/t-chr character special file 600 1002 0 1 3\n" +
            "/dev/t-blk block special file 660 0 6 7 c9\n" +
            "/dev/t-unb character special file 666 0 0 1 5\n");
    }

    [Fact]
    public async Task Mount_and_pid_namespaces_are_joined_by_path()
    {
        // A holder: a fresh mount namespace (host paths still there) and a pid namespace whose pid 1 is sleep.
        using var holder = System.Diagnostics.Process.Start("unshare", ["--mount", "--propagation", "private", "--pid", "--fork", "sleep", "600"]);
        try
        {
            var child = 0;
            await Eventually.UntilAsync(() =>
            {
                var children = File.ReadAllText($"/proc/{holder.Id}/task/{holder.Id}/children").Trim();
                child = children.Length > 0 ? int.Parse(children.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) : 0;
                return Task.FromResult(child > 0 && new FileInfo($"/proc/{child}/ns/mnt").LinkTarget != new FileInfo("/proc/self/ns/mnt").LinkTarget);
            }, "the namespace holder");
            var mnt = new FileInfo($"/proc/{child}/ns/mnt").LinkTarget;
            var pid = new FileInfo($"/proc/{child}/ns/pid").LinkTarget;
            var bundle = await RuntimeBundle.CreateAsync(_scratch, ["sh", "-c", "readlink /proc/self/ns/mnt; readlink /proc/self/ns/pid; echo $$"], c =>
                c["linux"]!["namespaces"] = new JsonArray(
                    new JsonObject { ["type"] = "pid", ["path"] = $"/proc/{child}/ns/pid" },
                    new JsonObject { ["type"] = "mount", ["path"] = $"/proc/{child}/ns/mnt" },
                    new JsonObject { ["type"] = "ipc" }, new JsonObject { ["type"] = "uts" }, new JsonObject { ["type"] = "network" }));
            var run = await _cli.RunAsync("run", "--bundle", bundle, RuntimeBundle.NewId("nspath"));
            run.ExitCode.Should().Be(0, run.Stderr);
            var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines[0].Should().Be(mnt);
            lines[1].Should().Be(pid);
            lines[2].Should().NotBe("1", "pid 1 of the joined namespace is the holder's sleep");
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Capabilities_outside_the_host_bounding_set_are_refused_as_runc_does()
    {
        var bounding = Convert.ToUInt64(File.ReadLines("/proc/self/status").First(l => l.StartsWith("CapBnd:", StringComparison.Ordinal))[7..].Trim(), 16);
        var missing = Enumerable.Range(0, 41).FirstOrDefault(c => (bounding & (1UL << c)) == 0, -1);
        var name = missing >= 0 ? global::Containers.Containers.Security.Capabilities.All[missing] : "CAP_CHOWN";
        var caps = new JsonArray(name);
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["true"], c => c["process"]!["capabilities"] = new JsonObject { ["bounding"] = caps.DeepClone(), ["permitted"] = caps.DeepClone(), ["effective"] = caps.DeepClone() });
        var run = await _cli.RunAsync("run", "--bundle", bundle, RuntimeBundle.NewId("caps"));
        var runc = await new RuncCli(_scratch).RunAsync("run", "--bundle", bundle, RuntimeBundle.NewId("capsr"));
        run.ExitCode.Should().Be(runc.ExitCode, $"runc said: {runc.Stderr}");
        if (missing >= 0)
        {
            run.ExitCode.Should().Be(1);
            run.Stderr.Should().Contain(name).And.Contain("bounding set");
        }
    }

    [Theory]
    [InlineData("net_cls", "network", "{\"classID\": 1048577}")]
    [InlineData("net_prio", "network", "{\"priorities\": [{\"name\": \"lo\", \"priority\": 1}]}")]
    [InlineData("hugetlb", "hugepageLimits", "[{\"pageSize\": \"2MB\", \"limit\": 2097152}]")]
    public async Task Resources_of_an_unmounted_controller_are_refused_as_runc_does(string controller, string resource, string json)
    {
        var mounted = File.ReadLines("/proc/self/mountinfo").Any(l => l.Contains(" - cgroup ", StringComparison.Ordinal) && l.Split(' ')[^1].Split(',').Contains(controller));
        var bundle = await RuntimeBundle.CreateAsync(_scratch, ["true"], c => c["linux"]!["resources"]![resource] = JsonNode.Parse(json));
        var run = await _cli.RunAsync("run", "--bundle", bundle, RuntimeBundle.NewId("ctl"));
        var runc = await new RuncCli(_scratch).RunAsync("run", "--bundle", bundle, RuntimeBundle.NewId("ctlr"));
        run.ExitCode.Should().Be(runc.ExitCode, $"runc said: {runc.Stderr}; ours: {run.Stderr}");
        if (!mounted)
        {
            run.ExitCode.Should().Be(1);
            run.Stderr.Should().Contain(controller).And.Contain("not mounted");
        }
    }
}
