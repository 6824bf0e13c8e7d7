using Containers.Linux.Cgroups;
using Containers.Oci.Runtime;
using Containers.Testing;

namespace Containers.Linux.Tests.Cgroups;

/// <summary>This machine's cgroups are v1; the v2 logic runs against a fake unified tree in a scratch directory.</summary>
public sealed class CgroupV2ManagerTests : IDisposable
{
    private readonly TempDirectory _root = new("cgroup2");

    public CgroupV2ManagerTests()
    {
        File.WriteAllText(_root.Combine("cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc");
        File.WriteAllText(_root.Combine("cgroup.subtree_control"), string.Empty);
    }

    public void Dispose() => _root.Dispose();

    private CgroupV2Manager Manager => new(_root.Path);

    [Fact]
    public void The_detector_picks_v2_only_on_a_pure_unified_hierarchy()
    {
        CgroupDetector.Detect(_root.Path).Version.Should().Be(2);
        using var hybrid = new TempDirectory("cgroup1");
        Directory.CreateDirectory(hybrid.Combine("memory"));
        Directory.CreateDirectory(hybrid.Combine("unified"));
        CgroupDetector.Detect(hybrid.Path).Version.Should().Be(1);
        CgroupDetector.Detect().Version.Should().Be(HostCgroups.Version, "a hybrid host counts as v1, a pure unified one as v2");
    }

    [Fact]
    public void Create_delegates_controllers_and_writes_the_limits()
    {
        // The fake parent delegates nothing until Create writes subtree_control; seed the child's controller list as the kernel would.
        Directory.CreateDirectory(_root.Combine("dotnet-containers"));
        File.WriteAllText(_root.Combine("dotnet-containers", "cgroup.controllers"), "cpuset cpu io memory pids");

        Manager.Create("dotnet-containers/c1", new RuntimeResources
        {
            Memory = new RuntimeMemory { Limit = 64 << 20, Swap = 64 << 20 },
            Cpu = new RuntimeCpu { Quota = 50_000, Period = 100_000, Shares = 1024, Cpus = "0-1" },
            Pids = new RuntimePids { Limit = 100 },
        });

        File.ReadAllText(_root.Combine("cgroup.subtree_control")).Should().Be("+cpu +cpuset +io +memory +pids");
        File.ReadAllText(_root.Combine("dotnet-containers", "cgroup.subtree_control")).Should().Be("+cpu +cpuset +io +memory +pids");
        var leaf = _root.Combine("dotnet-containers", "c1");
        File.ReadAllText(Path.Combine(leaf, "memory.max")).Should().Be((64 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.ReadAllText(Path.Combine(leaf, "cpu.max")).Should().Be("50000 100000");
        File.ReadAllText(Path.Combine(leaf, "cpu.weight")).Should().Be("39");
        File.ReadAllText(Path.Combine(leaf, "cpuset.cpus")).Should().Be("0-1");
        File.ReadAllText(Path.Combine(leaf, "pids.max")).Should().Be("100");
    }

    [Theory]
    [InlineData(2UL, 1UL)]
    [InlineData(1024UL, 39UL)]
    [InlineData(262144UL, 10000UL)]
    public void Shares_convert_to_weights_as_runc_does(ulong shares, ulong weight) => CgroupV2Manager.SharesToWeight(shares).Should().Be(weight);

    [Fact]
    public void Stats_and_oom_kills_come_from_the_v2_files()
    {
        var leaf = Directory.CreateDirectory(_root.Combine("c2")).FullName;
        File.WriteAllText(Path.Combine(leaf, "cpu.stat"), "usage_usec 1500\nuser_usec 1000\n");
        File.WriteAllText(Path.Combine(leaf, "memory.current"), "4096000");
        File.WriteAllText(Path.Combine(leaf, "memory.stat"), "anon 1\ninactive_file 96000\n");
        File.WriteAllText(Path.Combine(leaf, "memory.max"), "8192000");
        File.WriteAllText(Path.Combine(leaf, "pids.current"), "3");
        File.WriteAllText(Path.Combine(leaf, "io.stat"), "8:0 rbytes=100 wbytes=20 rios=1 wios=1\n8:16 rbytes=5 wbytes=0\n");
        File.WriteAllText(Path.Combine(leaf, "memory.events"), "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
        File.WriteAllText(Path.Combine(leaf, "cgroup.procs"), "10\n11\n12\n");

        var stats = Manager.Stats("c2");

        stats.Should().BeEquivalentTo(new { CpuUsageNanoseconds = 1_500_000UL, MemoryUsage = 4_000_000UL, MemoryLimit = 8_192_000UL, Pids = 3UL, BlockRead = 105UL, BlockWrite = 20UL });
        Manager.OomKilled("c2").Should().BeTrue();
        Manager.Processes("c2").Should().Equal(10, 11, 12);
    }

    [Fact]
    public async Task Freeze_writes_cgroup_freeze_and_waits_for_the_event()
    {
        var leaf = Directory.CreateDirectory(_root.Combine("c3")).FullName;
        File.WriteAllText(Path.Combine(leaf, "cgroup.events"), "populated 1\nfrozen 1\n");

        await Manager.FreezeAsync("c3", CancellationToken.None);

        File.ReadAllText(Path.Combine(leaf, "cgroup.freeze")).Should().Be("1");
    }

    [Fact]
    public async Task Delete_kills_what_is_left_and_removes_the_directory()
    {
        var leaf = Directory.CreateDirectory(_root.Combine("dotnet-containers", "c4")).FullName;
        Manager.List("dotnet-containers").Should().Equal("dotnet-containers/c4");

        await Manager.DeleteAsync("dotnet-containers/c4", CancellationToken.None);

        Directory.Exists(leaf).Should().BeFalse();
        await Manager.DeleteAsync("dotnet-containers/c4", CancellationToken.None); // idempotent
    }
}
