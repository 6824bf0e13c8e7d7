using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>
/// The fault suite, kill part: the real program doing run -d, run --rm, rm -f, exec and import, SIGKILLed at random
/// points (seeded; the seed is printed on failure and <c>FAULT_SEED</c> replays it). After every step each command
/// finishes within a bound and the store is consistent; at the end, after the next engine start, nothing of the kernel
/// (mount, cgroup, veth, monitor or container process) remains that no running container of this root owns.
/// </summary>
public sealed class FaultSuiteTests : IAsyncLifetime
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(70);
    private readonly TempDirectory _root = new("cli-faults");
    private RootObjects _objects = null!;
    private string _tar = null!;

    public async Task InitializeAsync()
    {
        _objects = new RootObjects(_root.Path);
        await using var engine = ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.AddLinuxRuntime());
        var bytes = await TestImages.BusyboxRootfsAsync();
        using var rootfs = new MemoryStream(bytes);
        await engine.Images.ImportAsync(rootfs, new global::Containers.Images.ImportOptions { Reference = "busybox:latest" });
        _tar = Path.Combine(_root.Path, "busybox.tar");
        await File.WriteAllBytesAsync(_tar, bytes);
    }

    public async Task DisposeAsync() => await CliRunner.DeleteRootAsync(_root);

    [Fact]
    public async Task Commands_killed_at_random_points_leave_no_hang_no_inconsistency_and_no_leak()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FAULT_SEED"), CultureInfo.InvariantCulture, out var given) ? given : Random.Shared.Next();
        var random = new Random(seed);
        var steps = new List<string>();
        try
        {
            var started = DateTime.UtcNow;
            for (var step = 0; DateTime.UtcNow - started < Budget; step++)
            {
                var args = await NextCommandAsync(random, step);
                var killAfter = random.NextDouble() < 0.8 ? random.Next(30, 1500) : -1;
                steps.Add($"{step}: containers {string.Join(' ', args)} (kill -9 after {(killAfter < 0 ? "never" : killAfter + " ms")})");
                await RunKilledAsync(args, killAfter);
                await CheckConsistentAsync();
            }

            // The next engine start (this command's) releases whatever dead processes left.
            var running = Lines((await _objects.RunAsync("ps", "-q", "--no-trunc")).Stdout);
            CheckOwnedByRunning(running);

            foreach (var id in Lines((await _objects.RunAsync("ps", "-a", "-q", "--no-trunc")).Stdout))
            {
                (await _objects.RunAsync("rm", "-f", id)).ExitCode.Should().Be(0);
            }

            (await _objects.LeftoversAfterAsync(TimeSpan.FromSeconds(30))).Should().BeEmpty("every container is removed");
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"The fault suite failed with seed {seed} (replay: FAULT_SEED={seed}). Steps:\n{string.Join('\n', steps)}\n{e}");
        }
    }

    private async Task<string[]> NextCommandAsync(Random random, int step)
    {
        var all = Lines((await _objects.RunAsync("ps", "-a", "-q", "--no-trunc")).Stdout);
        var running = Lines((await _objects.RunAsync("ps", "-q", "--no-trunc")).Stdout);
        return random.Next(6) switch
        {
            0 or 1 => ["run", "-d", "busybox", "sleep", "1000"],
            2 => ["run", "--rm", "busybox", "sh", "-c", "echo hello; sleep 0.3"],
            3 when all.Count > 0 => ["rm", "-f", all[random.Next(all.Count)]],
            4 when running.Count > 0 => ["exec", running[random.Next(running.Count)], "sh", "-c", "sleep 0.5"],
            5 => ["import", _tar, "imported:" + step.ToString(CultureInfo.InvariantCulture)],
            _ => ["run", "-d", "busybox", "sleep", "1000"],
        };
    }

    private async Task RunKilledAsync(string[] args, int killAfterMilliseconds)
    {
        using var process = _objects.Start(args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        var exited = process.WaitForExitAsync();
        if (killAfterMilliseconds >= 0 && await Task.WhenAny(exited, Task.Delay(killAfterMilliseconds)) != exited)
        {
            process.Kill();
        }

        if (await Task.WhenAny(exited, Task.Delay(RootObjects.CommandBound)) != exited)
        {
            process.Kill();
            throw new Xunit.Sdk.XunitException($"'containers {string.Join(' ', args)}' did not finish within {RootObjects.CommandBound.TotalSeconds} s");
        }

        await Task.WhenAll(output, error);
    }

    /// <summary>ps -a lists every container directory, and inspect works for each.</summary>
    private async Task CheckConsistentAsync()
    {
        var listed = Lines((await _objects.RunAsync("ps", "-a", "-q", "--no-trunc")).Stdout);
        _objects.ContainerDirectories().Should().BeEquivalentTo(listed, "every container directory is a container ps -a lists");
        if (listed.Count > 0)
        {
            var inspect = await _objects.RunAsync(["inspect", .. listed]);
            inspect.ExitCode.Should().Be(0, inspect.Stderr);
        }
    }

    /// <summary>Every mount, cgroup, veth and process of the root belongs to a running container.</summary>
    private void CheckOwnedByRunning(IReadOnlyList<string> running)
    {
        bool Owned(string text) => running.Any(id => text.Contains(id, StringComparison.Ordinal));
        _objects.Mounts().Where(m => !Owned(m)).Should().BeEmpty("no mount outlives its container");
        _objects.Cgroups().Where(c => !Owned(c)).Should().BeEmpty("no cgroup outlives its container");
        _objects.Processes().Where(p => !Owned(p) && !ProcessInCgroupOf(p, running)).Should().BeEmpty("no process outlives its container");
        var expectedVeths = NetworkIds().SelectMany(n => running.Select(id => "dv" + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(id + n)))[..12])).ToHashSet();
        _objects.Veths().Where(v => !expectedVeths.Contains(v)).Should().BeEmpty("no veth outlives its container");
    }

    private static bool ProcessInCgroupOf(string process, IReadOnlyList<string> running)
    {
        var pid = process[..process.IndexOf(':', StringComparison.Ordinal)];
        try
        {
            var cgroup = File.ReadAllText($"/proc/{pid}/cgroup");
            return running.Any(id => cgroup.Contains(id, StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return true; // exited meanwhile
        }
    }

    private IEnumerable<string> NetworkIds() =>
        Directory.Exists(Path.Combine(_root.Path, "networks"))
            ? Directory.EnumerateFiles(Path.Combine(_root.Path, "networks"), "*.json").Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("id").GetString()!)
            : [];

    private static List<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
