using Containers.Linux.Runtime.Oci;
using Containers.Testing;

namespace Containers.Linux.Tests.Runtime.Oci;

/// <summary>
/// <c>update</c>'s cgroup writes on a fake v2 tree (this machine's cgroups are v1, where the runtime tests compare with
/// runc): the files runc's v2 driver writes, with its conversions, and the previous values back after a failure.
/// </summary>
public sealed class CgroupResourceUpdaterTests : IDisposable
{
    private readonly TempDirectory _root = new("ocirt-v2");
    private readonly string _cgroup;

    public CgroupResourceUpdaterTests()
    {
        _cgroup = _root.Combine("ctr");
        Directory.CreateDirectory(_cgroup);
        foreach (var (file, value) in new[] { ("memory.max", "max"), ("memory.swap.max", "max"), ("memory.low", "0"), ("cpu.max", "max 100000"), ("cpu.weight", "100"), ("pids.max", "max"), ("cpuset.cpus", "") })
        {
            File.WriteAllText(Path.Combine(_cgroup, file), value + "\n");
        }
    }

    public void Dispose() => _root.Dispose();

    private string Read(string file) => File.ReadAllText(Path.Combine(_cgroup, file)).Trim();

    [Fact]
    public void An_update_writes_the_v2_files_with_runcs_conversions()
    {
        CgroupResourceUpdater.Apply(
            new ResourceUpdate { MemoryLimit = 128 << 20, MemorySwap = 256 << 20, MemoryReservation = 64 << 20, CpuShares = 512, CpuQuota = 20000, PidsLimit = 5, Cpus = "0" },
            _root.Path,
            "ctr",
            version: 2);
        Read("memory.max").Should().Be("134217728");
        Read("memory.swap.max").Should().Be("134217728", "v2 counts swap alone: memory+swap minus memory");
        Read("memory.low").Should().Be("67108864");
        Read("cpu.weight").Should().Be("20", "shares 512 on v1's scale is weight 20 on v2's");
        Read("cpu.max").Should().Be("20000 100000", "the period stays as it was");
        Read("pids.max").Should().Be("5");
        Read("cpuset.cpus").Should().Be("0");

        CgroupResourceUpdater.Apply(new ResourceUpdate { CpuPeriod = 50000, PidsLimit = -1, MemoryLimit = -1 }, _root.Path, "ctr", version: 2);
        Read("cpu.max").Should().Be("20000 50000", "the quota stays as it was");
        Read("pids.max").Should().Be("max");
        Read("memory.max").Should().Be("max");
    }

    [Fact]
    public void A_failed_write_puts_the_earlier_files_back()
    {
        File.Delete(Path.Combine(_cgroup, "pids.max"));
        var update = () => CgroupResourceUpdater.Apply(new ResourceUpdate { MemoryLimit = 1 << 30, CpuShares = 2048, PidsLimit = 10 }, _root.Path, "ctr", version: 2);
        update.Should().Throw<OciRuntimeException>().WithMessage("failed to write \"10\": open */pids.max: no such file or directory");
        Read("memory.max").Should().Be("max", "the update had no effect");
        Read("cpu.weight").Should().Be("100");
    }

    [Theory]
    [InlineData("128m", 128L << 20)]
    [InlineData("1.5g", 3L << 29)]
    [InlineData("64MiB", 64L << 20)]
    [InlineData("4096", 4096)]
    [InlineData("2 k", 2048)]
    [InlineData("-1", -1)]
    public void Sizes_parse_as_runcs_flags_take_them(string text, long bytes) =>
        ResourceUpdate.ParseSize("memory", text).Should().Be(bytes);

    [Theory]
    [InlineData("lots")]
    [InlineData("12q")]
    [InlineData("")]
    public void A_malformed_size_is_refused_with_runcs_words(string text)
    {
        var parse = () => ResourceUpdate.ParseSize("memory", text);
        parse.Should().Throw<OciRuntimeException>().WithMessage($"invalid value for memory: invalid size: '{text}'");
    }

    [Fact]
    public void A_resources_document_takes_linux_resources_fields_and_ignores_the_rest()
    {
        var update = ResourceUpdate.Parse("""{"memory": {"limit": 1024, "swap": -1}, "cpu": {"shares": 3, "cpus": ""}, "pids": {"limit": 4}, "blockIO": {"weight": 500}, "other": [1]}"""u8);
        update.Should().BeEquivalentTo(new ResourceUpdate { MemoryLimit = 1024, MemorySwap = -1, CpuShares = 3, PidsLimit = 4, BlkioWeight = 500 });
        var malformed = () => ResourceUpdate.Parse("""{"memory": {"limit": "a lot"}}"""u8);
        malformed.Should().Throw<OciRuntimeException>().WithMessage("json: *");
    }
}
