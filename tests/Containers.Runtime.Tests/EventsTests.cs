using System.Text.Json.Nodes;
using Containers.Testing;

namespace Containers.Runtime.Tests;

/// <summary><c>events --stats</c>, ours against runc on the same bundle: one JSON object of the same shape, with the same limits and counts.</summary>
public sealed class EventsTests : IDisposable
{
    /// <summary>Fields Go leaves out when zero (omitempty), which may be zero in one container and not in the other.</summary>
    private static readonly string[] MayBeZero =
    [
        "memory.cache", "memory.usage.usage", "memory.usage.max", "memory.swap.usage", "memory.swap.max", "memory.kernel.usage",
        "memory.kernel.max", "memory.kernelTCP.usage", "memory.kernelTCP.max", "cpu.throttling.periods", "cpu.throttling.throttledPeriods",
        "cpu.throttling.throttledTime", "pids.current",
    ];

    private readonly TempDirectory _scratch = new("ocirt-events");
    private readonly RuncPair _pair;

    public EventsTests() => _pair = new RuncPair(_scratch);

    public void Dispose()
    {
        _pair.Dispose();
        _scratch.Dispose();
    }

    private static void Limits(JsonObject config) =>
        config["linux"]!["resources"] = new JsonObject
        {
            ["memory"] = new JsonObject { ["limit"] = 64L << 20 },
            ["pids"] = new JsonObject { ["limit"] = 50 },
        };

    /// <summary>Lists the key paths of a JSON object ("memory.usage.limit"), not descending into <paramref name="opaque"/> paths.</summary>
    private static IEnumerable<string> Paths(JsonNode? node, string prefix, string[] opaque)
    {
        if (node is not JsonObject obj || opaque.Contains(prefix.TrimEnd('.')))
        {
            yield break;
        }

        foreach (var (key, value) in obj)
        {
            yield return prefix + key;
            foreach (var path in Paths(value, prefix + key + ".", opaque))
            {
                yield return path;
            }
        }
    }

    [Fact]
    public async Task Events_stats_prints_one_object_shaped_as_runcs_with_the_same_limits()
    {
        var container = await _pair.BundleAsync("stats", ["sleep", "1000"], Limits);
        var (ours, runc) = await _pair.RunAsync(container, "run", "--detach", "--bundle", "{bundle}", "{id}");
        (ours.ExitCode, runc.ExitCode).Should().Be((0, 0), ours.Stderr + runc.Stderr);

        (ours, runc) = await _pair.RunAsync(container, "events", "--stats", "{id}");
        runc.ExitCode.Should().Be(0, runc.Stderr);
        ours.ExitCode.Should().Be(0, ours.Stderr);
        ours.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle("one JSON object, one line");
        var a = JsonNode.Parse(ours.Stdout)!;
        var b = JsonNode.Parse(runc.Stdout)!;
        a["type"]!.GetValue<string>().Should().Be("stats").And.Be(b["type"]!.GetValue<string>());
        a["id"]!.GetValue<string>().Should().Be(container.Ours.Id);

        var oursData = a["data"]!;
        var runcData = b["data"]!;
        Paths(oursData, string.Empty, ["blkio", "memory.raw"]).Except(MayBeZero)
            .Should().Equal(Paths(runcData, string.Empty, ["blkio", "memory.raw"]).Except(MayBeZero), "the same fields, in runc's order");
        oursData["memory"]!["raw"]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo(runcData["memory"]!["raw"]!.AsObject().Select(p => p.Key));
        oursData["network_interfaces"].Should().BeNull();
        oursData["hugetlb"]!.ToJsonString().Should().Be(runcData["hugetlb"]!.ToJsonString());

        oursData["memory"]!["usage"]!["limit"]!.GetValue<ulong>().Should().Be(64UL << 20).And.Be(runcData["memory"]!["usage"]!["limit"]!.GetValue<ulong>());
        oursData["pids"]!["limit"]!.GetValue<ulong>().Should().Be(50).And.Be(runcData["pids"]!["limit"]!.GetValue<ulong>());
        oursData["pids"]!["current"]!.GetValue<ulong>().Should().Be(1).And.Be(runcData["pids"]!["current"]!.GetValue<ulong>());
        oursData["cpu"]!["usage"]!["total"]!.GetValue<ulong>().Should().BeGreaterThan(0);
        oursData["cpu"]!["usage"]!["percpu"]!.AsArray().Count.Should().Be(runcData["cpu"]!["usage"]!["percpu"]!.AsArray().Count);
        oursData["cpuset"]!.ToJsonString().Should().Be(runcData["cpuset"]!.ToJsonString());
    }

    [Fact]
    public async Task Events_on_a_stopped_container_fails_as_in_runc()
    {
        var container = await _pair.BundleAsync("stopped", ["true"]);
        var (ours, runc) = await _pair.RunAsync(container, "run", "--detach", "--bundle", "{bundle}", "{id}");
        (ours.ExitCode, runc.ExitCode).Should().Be((0, 0), ours.Stderr + runc.Stderr);
        await Eventually.UntilAsync(async () => (await _pair.Ours.RunAsync("state", container.Ours.Id)).Stdout.Contains("\"stopped\"", StringComparison.Ordinal), "ours to stop");
        await Eventually.UntilAsync(async () => (await _pair.Runc.RunAsync("state", container.Runc.Id)).Stdout.Contains("\"stopped\"", StringComparison.Ordinal), "runc's to stop");

        (ours, runc) = await _pair.RunAsync(container, "events", "--stats", "{id}");
        runc.ExitCode.Should().Be(1);
        ours.ExitCode.Should().Be(1);
        ours.Stderr.Should().Contain($"container with id {container.Ours.Id} is not running");
        runc.Stderr.Should().Contain($"container with id {container.Runc.Id} is not running");
    }
}
