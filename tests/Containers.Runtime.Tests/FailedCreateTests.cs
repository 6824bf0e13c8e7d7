using System.Text.Json.Nodes;
using Containers.Testing;

namespace Containers.Runtime.Tests;

/// <summary>
/// A create that fails at any stage (before the clone, in the child, in a hook) fails under runc too, and leaves
/// nothing behind under either: no state directory, no pid file, no cgroup in any hierarchy, no mount, no process.
/// </summary>
public sealed class FailedCreateTests : IDisposable
{
    private readonly TempDirectory _scratch = new("ocirt-failcreate");
    private readonly RuncPair _pair;

    public FailedCreateTests() => _pair = new RuncPair(_scratch);

    public void Dispose()
    {
        _pair.Dispose();
        _scratch.Dispose();
    }

    public static TheoryData<string> Failures => new() { "missing-executable", "missing-mount-source", "rlimit-above-hard", "prestart-hook-fails", "missing-cwd-file" };

    private static void Break(string failure, JsonObject config)
    {
        var process = config["process"]!.AsObject();
        switch (failure)
        {
            case "missing-executable":
                process["args"] = new JsonArray("no-such-program");
                break;
            case "missing-mount-source":
                config["mounts"]!.AsArray().Add(new JsonObject { ["destination"] = "/mnt", ["type"] = "bind", ["source"] = "/ocirt-no-such-dir", ["options"] = new JsonArray("rbind") });
                break;
            case "rlimit-above-hard":
                process["rlimits"] = new JsonArray(new JsonObject { ["type"] = "RLIMIT_NOFILE", ["soft"] = 1L << 40, ["hard"] = 1L << 40 });
                break;
            case "prestart-hook-fails":
                config["hooks"] = new JsonObject { ["prestart"] = new JsonArray(new JsonObject { ["path"] = "/bin/false" }) };
                break;
            case "missing-cwd-file":
                // The working directory is a file: neither runtime can chdir into it.
                process["cwd"] = "/bin/sh";
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_failed_create_fails_as_in_runc_and_leaves_nothing(string failure)
    {
        var container = await _pair.BundleAsync(failure, ["sleep", "1000"], c => Break(failure, c));
        var pidFile = _scratch.Combine($"{failure}-{{side}}.pid");
        var (ours, runc) = await _pair.RunAsync(container, "create", "--bundle", "{bundle}", "--pid-file", pidFile.Replace("{side}", "{id}", StringComparison.Ordinal), "{id}");
        runc.ExitCode.Should().Be(1, "runc refuses it too: " + runc.Stderr);
        ours.ExitCode.Should().Be(1, ours.Stderr);

        foreach (var (side, root) in new[] { (container.Ours, _pair.Ours.StateRoot), (container.Runc, _scratch.Combine("runc-state")) })
        {
            Directory.Exists(Path.Combine(root, side.Id)).Should().BeFalse($"{side.Id} has no state directory");
            File.Exists(pidFile.Replace("{side}", side.Id, StringComparison.Ordinal)).Should().BeFalse("no pid file");
            side.CgroupDirectories().Should().BeEmpty($"{side.Id} has no cgroup");
            (await File.ReadAllTextAsync("/proc/self/mountinfo")).Should().NotContain(side.Bundle, "nothing of the bundle stays mounted");
            Directory.EnumerateDirectories("/proc").Select(p => Path.Combine(p, "cmdline")).Where(File.Exists)
                .Select(p => { try { return File.ReadAllText(p); } catch (IOException) { return string.Empty; } })
                .Should().NotContain(c => c.Contains(side.Id, StringComparison.Ordinal), "no process of the create is left");
        }
    }
}
