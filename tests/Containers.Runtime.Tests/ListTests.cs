using System.Text.Json.Nodes;
using Containers.Testing;

namespace Containers.Runtime.Tests;

/// <summary><c>list</c>, ours against runc with the same containers (one created, one running): the table, <c>-q</c> and <c>--format json</c>.</summary>
public sealed class ListTests : IDisposable
{
    private readonly TempDirectory _scratch = new("ocirt-list");
    private readonly RuncPair _pair;

    public ListTests() => _pair = new RuncPair(_scratch);

    public void Dispose()
    {
        _pair.Dispose();
        _scratch.Dispose();
    }

    private async Task<(RuntimeResult Ours, RuntimeResult Runc)> ListAsync(params string[] args) =>
        (await _pair.Ours.RunAsync(["list", .. args]), await _pair.Runc.RunAsync(["list", .. args]));

    /// <summary>Checks Go's tabwriter layout (min width 12, padding 3): each column starts where the header's does, as wide as its widest cell + 3.</summary>
    private static void TabwriterLayout(string table, int rows)
    {
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(rows + 1);
        string[] header = ["ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"];
        var starts = header.Select(h => lines[0].IndexOf(h, StringComparison.Ordinal)).ToArray();
        starts.Should().BeInAscendingOrder();
        for (var column = 0; column < header.Length - 1; column++)
        {
            var cells = lines.Select(l => l[starts[column]..starts[column + 1]]).ToList();
            cells.Should().OnlyContain(c => c.Length > 0 && c[0] != ' ', "every cell starts at its column");
            (starts[column + 1] - starts[column]).Should().Be(Math.Max(12, cells.Max(c => c.TrimEnd().Length) + 3), $"column {header[column]} is as wide as Go's tabwriter makes it");
        }
    }

    [Fact]
    public async Task List_shows_the_containers_as_runc_does()
    {
        var (ours, runc) = await ListAsync();
        (ours.ExitCode, ours.Stdout).Should().Be((runc.ExitCode, runc.Stdout), "no containers yet: " + runc.Stderr);
        (ours, runc) = await ListAsync("--format", "json");
        (ours.ExitCode, ours.Stdout).Should().Be((runc.ExitCode, runc.Stdout), "no containers yet: " + runc.Stderr);

        var prefix = RuntimeBundle.NewId("list");
        var created = await _pair.BundleAsync("a", ["sleep", "1000"], id: prefix + "-a");
        var running = await _pair.BundleAsync("b", ["sleep", "1000"], c => c["annotations"] = new JsonObject { ["org.example.key"] = "value" }, id: prefix + "-b");
        var (o, r) = await _pair.RunAsync(created, "create", "--bundle", "{bundle}", "{id}");
        (o.ExitCode, r.ExitCode).Should().Be((0, 0), o.Stderr + r.Stderr);
        (o, r) = await _pair.RunAsync(running, "run", "--detach", "--bundle", "{bundle}", "{id}");
        (o.ExitCode, r.ExitCode).Should().Be((0, 0), o.Stderr + r.Stderr);

        (ours, runc) = await ListAsync("-q");
        runc.Stdout.Should().Be($"{created.Runc.Id}\n{running.Runc.Id}\n");
        ours.Stdout.Should().Be($"{created.Ours.Id}\n{running.Ours.Id}\n");

        (ours, runc) = await ListAsync("--format", "json");
        ours.ExitCode.Should().Be(0, ours.Stderr);
        var oursList = JsonNode.Parse(ours.Stdout)!.AsArray();
        var runcList = JsonNode.Parse(runc.Stdout)!.AsArray();
        ours.Stdout.Should().EndWith("]\n").And.NotContain("\n ", "compact, one line, as Go's encoder writes it");
        oursList.Should().HaveCount(2);
        for (var i = 0; i < 2; i++)
        {
            var a = oursList[i]!.AsObject();
            var b = runcList[i]!.AsObject();
            a.Select(p => p.Key).Should().Equal(b.Select(p => p.Key), "the same fields in the same order");
            foreach (var key in new[] { "ociVersion", "status", "owner" })
            {
                a[key]!.GetValue<string>().Should().Be(b[key]!.GetValue<string>(), key);
            }

            a["bundle"]!.GetValue<string>().Should().Be(new[] { created, running }[i].Ours.Bundle);
            a["pid"]!.GetValue<int>().Should().BeGreaterThan(0);
            var createdAt = DateTimeOffset.Parse(a["created"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            createdAt.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
        }

        oursList[1]!["annotations"]!.ToJsonString().Should().Be(runcList[1]!["annotations"]!.ToJsonString());

        (ours, runc) = await ListAsync();
        ours.ExitCode.Should().Be(0, ours.Stderr);
        TabwriterLayout(runc.Stdout, 2);
        TabwriterLayout(ours.Stdout, 2);
        ours.Stdout.Split('\n')[1].Should().StartWith(created.Ours.Id + "   ").And.Contain("   created   ").And.EndWith("   root");
        runc.Stdout.Split('\n')[1].Should().EndWith("   root");
        (ours, runc) = await ListAsync("--format", "yaml");
        (ours.ExitCode, runc.ExitCode).Should().Be((1, 1));
        UpdateTests.Message(ours.Stderr).Should().Be(UpdateTests.Message(runc.Stderr));
    }
}
