using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Containers.Containers;
using Containers.Images;
using Containers.Linux.Hosting;
using Containers.Linux.Roots;
using Containers.Testing;
using Xunit.Abstractions;

namespace Containers.Linux.Tests.Roots;

/// <summary>
/// A scratch root runs bridged containers and leaves nothing in the kernel or on disk once disposed; a reclaim pass
/// meanwhile never takes it (or any live root) for an orphan. Prints what a root's own bridge and table cost at its
/// first bridged container, and what a pass costs, for docs/benchmarks.md (measured, never asserted).
/// </summary>
public sealed class ScratchRootTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_scratch_root_leaves_nothing_once_disposed_and_a_pass_never_takes_it_while_it_lives()
    {
        string path, bridge, table, id;
        List<string> cgroups;
        await using (var scratch = ScratchRoot.Create(b => b.AddLinuxRuntime()))
        {
            path = scratch.Path;
            using (var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync()))
            {
                await scratch.Engine.Images.ImportAsync(rootfs, new ImportOptions { Reference = "busybox:latest" });
            }

            await RunsAsync(scratch, 3); // warms this process up (JIT), so a second root's first run shows only what a root costs
            await using (var second = ScratchRoot.Create(b => b.AddLinuxRuntime()))
            {
                using var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync());
                await second.Engine.Images.ImportAsync(rootfs, new ImportOptions { Reference = "busybox:latest" });
                var runs = await RunsAsync(second, 4);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bridged run-to-exit on a second new root: first {runs[0]:F1} ms (creates the root's bridge and table), then {string.Join(", ", runs.Skip(1).Select(r => r.ToString("F1", CultureInfo.InvariantCulture)))} ms"));
            }

            var detached = await scratch.Engine.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "600"], Detached = true, PortBindings = [new global::Containers.Networks.PortBinding { HostIp = "127.0.0.1", ContainerPort = 80 }] });
            var passes = new List<OrphanReclaimResult>();
            for (var i = 0; i < 10; i++)
            {
                passes.Add(await OrphanedRoots.ReclaimAsync());
            }

            passes.Should().AllSatisfy(p => p.Roots.Should().NotContain(path, "a live scratch root is never an orphan"));
            (await scratch.Engine.Containers.InspectAsync(detached.Id)).State.IsRunning.Should().BeTrue("the pass left the live root's container alone");
            var sorted = passes.Select(p => p.Elapsed.TotalMilliseconds).Order().ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reclaim pass with nothing of ours to reclaim: median {sorted[sorted.Count / 2]:F1} ms, min {sorted[0]:F1}, max {sorted[^1]:F1} ({LinkCount()} interfaces, {Directory.EnumerateDirectories("/proc").Count()} /proc entries on the host)"));

            id = File.ReadAllText(Path.Combine(path, "root-id")).Trim();
            File.Exists(Path.Combine(RootRegistry.Directory, id)).Should().BeTrue("the root registered before making kernel objects");
            var network = (await scratch.Engine.Networks.InspectAsync("bridge"));
            bridge = network.BridgeName;
            File.ReadAllText($"/sys/class/net/{bridge}/ifalias").Trim().Should().Be($"dotnet-containers id={id} root={path}");
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..12];
            table = "dotnet_containers_" + hash;
            cgroups = Directory.EnumerateDirectories("/sys/fs/cgroup").Select(h => Path.Combine(h, "dotnet-containers", hash)).Where(Directory.Exists).ToList();
            cgroups.Should().NotBeEmpty("the detached container runs in the root's cgroup parent");
        }

        Directory.Exists(path).Should().BeFalse("disposing deletes the directory");
        Directory.Exists($"/sys/class/net/{bridge}").Should().BeFalse("disposing resets the root: its bridge goes");
        (await ExternalTool.RunAsync("nft", ["list", "table", "ip", table])).ExitCode.Should().NotBe(0, "the root's table goes");
        cgroups.Where(Directory.Exists).Should().BeEmpty("the root's cgroup parent goes");
        File.Exists(Path.Combine(RootRegistry.Directory, id)).Should().BeFalse("the root leaves the registry");
        File.ReadAllText("/proc/self/mountinfo").Should().NotContain(path);
    }

    private static async Task<List<double>> RunsAsync(ScratchRoot root, int count)
    {
        var runs = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            var container = await root.Engine.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["true"] });
            (await root.Engine.Containers.WaitAsync(container.Id)).Should().Be(0);
            await root.Engine.Containers.RemoveAsync(container.Id);
            runs.Add(clock.Elapsed.TotalMilliseconds);
        }

        return runs;
    }

    private static int LinkCount() => Directory.EnumerateDirectories("/sys/class/net").Count();
}
