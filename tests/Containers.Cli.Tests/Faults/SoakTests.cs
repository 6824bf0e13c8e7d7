using Containers.Containers;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Cli.Tests.Faults;

/// <summary>Defines a collection whose tests run alone: they count this process's descriptors, which other tests would disturb.</summary>
[CollectionDefinition(nameof(SoakCollection), DisableParallelization = true)]
public sealed class SoakCollection;

/// <summary>Many sequential runs leave nothing behind: descriptors, mounts and cgroups stay where they were.</summary>
[Collection(nameof(SoakCollection))]
public sealed class SoakTests
{
    /// <summary>Gets the number of runs: 300, or <c>CONTAINERS_SOAK_RUNS</c> (scripts/soak.sh sets 10,000).</summary>
    private static int Runs => int.TryParse(Environment.GetEnvironmentVariable("CONTAINERS_SOAK_RUNS"), out var runs) && runs > 0 ? runs : 300;

    [Fact]
    public async Task Hundreds_of_sequential_run_rm_leak_no_descriptor_mount_or_cgroup()
    {
        await using var test = TestEngine.Create(b => b.AddLinuxRuntime());
        await test.ImportBusyboxAsync();
        var containers = test.Engine.Containers;
        async Task RunOnceAsync()
        {
            var run = await containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["true"], AutoRemove = true });
            (await containers.WaitAsync(run.Id)).Should().Be(0);
        }

        for (var i = 0; i < 10; i++)
        {
            await RunOnceAsync(); // warm up: lazily created pools, sockets and caches
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var before = Figures(test.Root);
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < Runs; i++)
        {
            await RunOnceAsync();
        }

        var after = Figures(test.Root);
        var memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"soak: {Runs} runs in {watch.Elapsed.TotalSeconds:F0} s; descriptors {before.Descriptors} -> {after.Descriptors}, mounts {before.Mounts} -> {after.Mounts}, cgroups {before.Cgroups} -> {after.Cgroups}, containers {before.Containers} -> {after.Containers}, managed heap {memoryBefore / 1024} KiB -> {memoryAfter / 1024} KiB");
        after.Mounts.Should().Be(before.Mounts);
        after.Cgroups.Should().Be(before.Cgroups);
        after.Containers.Should().Be(0);
        after.Descriptors.Should().BeLessThanOrEqualTo(before.Descriptors + 5, "descriptors do not grow with the number of runs");
    }

    /// <summary>Counts this process's descriptors, the mounts under the root, this root's cgroups and container directories.</summary>
    internal static (int Descriptors, int Mounts, int Cgroups, int Containers) Figures(string root)
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(root))))[..12];
        var cgroups = Directory.EnumerateDirectories("/sys/fs/cgroup")
            .Select(controller => Path.Combine(controller, "dotnet-containers", hash))
            .Where(Directory.Exists)
            .Sum(parent => Directory.EnumerateDirectories(parent).Count());
        var mounts = File.ReadAllLines("/proc/self/mountinfo").Count(l => l.Contains(root, StringComparison.Ordinal));
        var containersDirectory = Path.Combine(root, "containers");
        return (Directory.EnumerateFileSystemEntries("/proc/self/fd").Count(), mounts, cgroups, Directory.Exists(containersDirectory) ? Directory.EnumerateDirectories(containersDirectory).Count() : 0);
    }
}
