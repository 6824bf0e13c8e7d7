using System.Text.Json.Nodes;
using Containers.Testing;

namespace Containers.Runtime.Tests;

/// <summary>
/// <c>update</c> on a running container, ours against runc on the same bundle: after the same flags (or the same
/// resources document) both containers' cgroup files hold the same values, and a value the kernel refuses fails both
/// and changes nothing.
/// </summary>
public sealed class UpdateTests : IDisposable
{
    private readonly TempDirectory _scratch = new("ocirt-update");
    private readonly RuncPair _pair;

    public UpdateTests() => _pair = new RuncPair(_scratch);

    public void Dispose()
    {
        _pair.Dispose();
        _scratch.Dispose();
    }

    /// <summary>The files update writes, on this host's cgroup version.</summary>
    private static string[] Files => HostCgroups.Version == 1
        ? ["memory/memory.limit_in_bytes", "memory/memory.soft_limit_in_bytes", "memory/memory.memsw.limit_in_bytes", "cpu/cpu.shares", "cpu/cpu.cfs_quota_us", "cpu/cpu.cfs_period_us", "cpuset/cpuset.cpus", "pids/pids.max"]
        : ["memory/memory.max", "memory/memory.low", "memory/memory.swap.max", "cpu/cpu.weight", "cpu/cpu.max", "cpuset/cpuset.cpus", "pids/pids.max"];

    /// <summary>Limits to start from, so raising, lowering and lifting each can be seen.</summary>
    private static void Limits(JsonObject config) =>
        config["linux"]!["resources"] = new JsonObject
        {
            ["memory"] = new JsonObject { ["limit"] = 64L << 20 },
            ["cpu"] = new JsonObject { ["shares"] = 1024, ["quota"] = 50000, ["period"] = 100000 },
            ["pids"] = new JsonObject { ["limit"] = 50 },
        };

    private async Task<PairedContainer> RunningAsync(string name)
    {
        var container = await _pair.BundleAsync(name, ["sleep", "1000"], Limits);
        var (ours, runc) = await _pair.RunAsync(container, "run", "--detach", "--bundle", "{bundle}", "{id}");
        ours.ExitCode.Should().Be(0, ours.Stderr);
        runc.ExitCode.Should().Be(0, runc.Stderr);
        return container;
    }

    private static Dictionary<string, string?> Read(Side side) => Files.ToDictionary(f => f, side.CgroupFile);

    public static TheoryData<string, string[], string[]> Updates => new()
    {
        {
            "flags",
            ["--memory", "128m", "--memory-reservation", "64M", "--cpu-share", "512", "--cpu-quota", "20000", "--cpu-period", "50000", "--pids-limit", "42", "--cpuset-cpus", "0"],
            ["memory/memory.limit_in_bytes=134217728", "memory/memory.soft_limit_in_bytes=67108864", "cpu/cpu.shares=512", "cpu/cpu.cfs_quota_us=20000", "cpu/cpu.cfs_period_us=50000", "pids/pids.max=42", "cpuset/cpuset.cpus=0"]
        },
        { "memory-and-swap", ["--memory", "96m", "--memory-swap", "192m"], ["memory/memory.limit_in_bytes=100663296", "memory/memory.memsw.limit_in_bytes=201326592"] },
        { "lowered", ["--memory", "32m", "--pids-limit", "5", "--cpu-period", "10000", "--cpu-quota", "5000"], ["memory/memory.limit_in_bytes=33554432", "pids/pids.max=5", "cpu/cpu.cfs_period_us=10000"] },
        { "lifted", ["--memory", "-1", "--pids-limit", "-1", "--cpu-quota", "-1"], ["memory/memory.limit_in_bytes=9223372036854771712", "pids/pids.max=max", "cpu/cpu.cfs_quota_us=-1"] },
        { "resources-file", ["-r", "{resources}"], ["memory/memory.limit_in_bytes=33554432", "cpu/cpu.shares=256", "cpu/cpu.cfs_quota_us=30000", "cpu/cpu.cfs_period_us=60000", "pids/pids.max=7"] },
        { "resources-file-wins-over-flags", ["-r", "{resources}", "--pids-limit", "99"], ["pids/pids.max=7"] },
    };

    [Theory]
    [MemberData(nameof(Updates))]
    public async Task An_update_leaves_the_cgroup_as_runc_leaves_it(string name, string[] flags, string[] expected)
    {
        var resources = _scratch.Combine($"resources-{name}.json");
        await File.WriteAllTextAsync(resources, """{"memory": {"limit": 33554432}, "cpu": {"shares": 256, "quota": 30000, "period": 60000}, "pids": {"limit": 7}, "unknown": true}""");
        var container = await RunningAsync(name);
        var before = Read(container.Ours);

        var (ours, runc) = await _pair.RunAsync(container, ["update", .. flags.Select(f => f.Replace("{resources}", resources, StringComparison.Ordinal)), "{id}"]);
        runc.ExitCode.Should().Be(0, runc.Stderr);
        ours.ExitCode.Should().Be(0, ours.Stderr);
        ours.Stdout.Should().Be(runc.Stdout);

        var after = Read(container.Ours);
        after.Should().BeEquivalentTo(Read(container.Runc), "both runtimes wrote the same values");
        after.Should().NotBeEquivalentTo(before, "the update changed something");
        if (HostCgroups.Version == 1)
        {
            foreach (var pair in expected)
            {
                var (file, value) = (pair.Split('=')[0], pair.Split('=')[1]);
                after[file].Should().Be(value, file);
            }
        }
    }

    public static TheoryData<string, string[], string> Refusals => new()
    {
        // The kernel clamps shares silently; runc reads them back and refuses.
        { "shares-below-range", ["--cpu-share", "1", "--pids-limit", "9"], "the minimum allowed cpu-shares is 2" },
        // memory+swap below memory: EINVAL from the kernel.
        { "swap-below-memory", ["--memory-swap", "32m"], "memory.memsw.limit_in_bytes: invalid argument" },
        { "bad-size", ["--memory", "lots"], "invalid value for memory: invalid size: 'lots'" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_refused_update_fails_as_in_runc_and_changes_nothing(string name, string[] flags, string message)
    {
        if (HostCgroups.Version != 1 && message.Contains("memsw", StringComparison.Ordinal))
        {
            message = "invalid";
        }

        var container = await RunningAsync(name);
        var before = Read(container.Ours);
        var (ours, runc) = await _pair.RunAsync(container, ["update", .. flags, "{id}"]);
        runc.ExitCode.Should().Be(1);
        runc.Stderr.Should().Contain(message);
        ours.ExitCode.Should().Be(1);
        ours.Stderr.Should().Contain(message);
        Read(container.Ours).Should().BeEquivalentTo(before, "a refused update has no effect");

        // runc 1.1.5 leaves cpu.shares as the kernel clamped it (2) although it says the update failed; ours puts back
        // what each file held, so a refused update changes nothing.
        Read(container.Runc).Where(f => f.Key != "cpu/cpu.shares").Should().BeEquivalentTo(before.Where(f => f.Key != "cpu/cpu.shares"));
    }

    [Fact]
    public async Task A_stopped_container_cannot_be_updated_and_a_paused_one_can()
    {
        var stopped = await _pair.BundleAsync("stopped", ["true"], Limits);
        var (ours, runc) = await _pair.RunAsync(stopped, "run", "--detach", "--bundle", "{bundle}", "{id}");
        (ours.ExitCode, runc.ExitCode).Should().Be((0, 0));
        await Eventually.UntilAsync(async () => (await _pair.Ours.RunAsync("state", stopped.Ours.Id)).Stdout.Contains("\"stopped\"", StringComparison.Ordinal), "ours to stop");
        await Eventually.UntilAsync(async () => (await _pair.Runc.RunAsync("state", stopped.Runc.Id)).Stdout.Contains("\"stopped\"", StringComparison.Ordinal), "runc's to stop");
        (ours, runc) = await _pair.RunAsync(stopped, "update", "--memory", "128m", "{id}");
        runc.ExitCode.Should().Be(1);
        ours.ExitCode.Should().Be(1);
        ours.Stderr.Should().Contain(Message(runc.Stderr));

        var paused = await RunningAsync("paused");
        (ours, runc) = await _pair.RunAsync(paused, "pause", "{id}");
        (ours.ExitCode, runc.ExitCode).Should().Be((0, 0));
        (ours, runc) = await _pair.RunAsync(paused, "update", "--pids-limit", "11", "{id}");
        (ours.ExitCode, runc.ExitCode).Should().Be((0, 0), ours.Stderr + runc.Stderr);
        paused.Ours.CgroupFile("pids/pids.max").Should().Be("11");
        paused.Runc.CgroupFile("pids/pids.max").Should().Be("11");
    }

    [Fact]
    public async Task Resources_can_come_from_standard_input()
    {
        var container = await RunningAsync("stdin");
        var ours = await ExternalTool.RunAsync(_pair.Ours.ProgramPath, ["--root", _pair.Ours.StateRoot, "update", "-r", "-", container.Ours.Id], stdin: """{"pids": {"limit": 13}}""");
        ours.ExitCode.Should().Be(0, ours.Stderr);
        container.Ours.CgroupFile("pids/pids.max").Should().Be("13");
    }

    /// <summary>The msg of runc's logrus line.</summary>
    internal static string Message(string stderr)
    {
        var start = stderr.IndexOf("msg=\"", StringComparison.Ordinal) + 5;
        var end = stderr.LastIndexOf('"');
        return stderr[start..end].Replace("\\n", string.Empty, StringComparison.Ordinal);
    }
}
