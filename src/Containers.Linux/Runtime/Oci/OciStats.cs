using System.Text.Json.Serialization;

namespace Containers.Linux.Runtime.Oci;

// runc's types.Event and types.Stats (runc/types/events.go), field for field: the names, and which zero values Go's
// omitempty leaves out (WhenWritingDefault here), are what tools reading `runc events` parse.

/// <summary>One line of <c>events</c>: its type ("stats") and the container's statistics.</summary>
internal sealed record OciEvent
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("data")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OciStats? Data { get; init; }
}

/// <summary>The statistics of a container's cgroup, as runc reports them.</summary>
internal sealed record OciStats
{
    [JsonPropertyName("cpu")]
    public OciCpuStats Cpu { get; init; } = new();

    [JsonPropertyName("cpuset")]
    public OciCpusetStats Cpuset { get; init; } = new();

    [JsonPropertyName("memory")]
    public OciMemoryStats Memory { get; init; } = new();

    [JsonPropertyName("pids")]
    public OciPidsStats Pids { get; init; } = new();

    [JsonPropertyName("blkio")]
    public OciBlkioStats Blkio { get; init; } = new();

    [JsonPropertyName("hugetlb")]
    public IReadOnlyDictionary<string, OciHugetlbStats> Hugetlb { get; init; } = new Dictionary<string, OciHugetlbStats>();

    [JsonPropertyName("intel_rdt")]
    public OciIntelRdtStats IntelRdt { get; init; } = new();

    /// <summary>Gets the network interfaces: always null, as runc has none for a container from a bundle.</summary>
    [JsonPropertyName("network_interfaces")]
    public IReadOnlyList<string>? NetworkInterfaces { get; init; }
}

/// <summary>CPU time (nanoseconds) and CFS throttling.</summary>
internal sealed record OciCpuStats
{
    [JsonPropertyName("usage")]
    public OciCpuUsage Usage { get; init; } = new();

    [JsonPropertyName("throttling")]
    public OciThrottling Throttling { get; init; } = new();
}

/// <summary>CPU time in nanoseconds, in total, per CPU and per mode.</summary>
internal sealed record OciCpuUsage
{
    [JsonPropertyName("total")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Total { get; init; }

    [JsonPropertyName("percpu")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ulong>? Percpu { get; init; }

    [JsonPropertyName("percpu_kernel")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ulong>? PercpuKernel { get; init; }

    [JsonPropertyName("percpu_user")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ulong>? PercpuUser { get; init; }

    [JsonPropertyName("kernel")]
    public ulong Kernel { get; init; }

    [JsonPropertyName("user")]
    public ulong User { get; init; }
}

/// <summary>CFS throttling counters.</summary>
internal sealed record OciThrottling
{
    [JsonPropertyName("periods")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Periods { get; init; }

    [JsonPropertyName("throttledPeriods")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong ThrottledPeriods { get; init; }

    [JsonPropertyName("throttledTime")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong ThrottledTime { get; init; }
}

/// <summary>The cpuset settings of the cgroup.</summary>
internal sealed record OciCpusetStats
{
    [JsonPropertyName("cpus")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ushort>? Cpus { get; init; }

    [JsonPropertyName("cpu_exclusive")]
    public ulong CpuExclusive { get; init; }

    [JsonPropertyName("mems")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ushort>? Mems { get; init; }

    [JsonPropertyName("mem_hardwall")]
    public ulong MemHardwall { get; init; }

    [JsonPropertyName("mem_exclusive")]
    public ulong MemExclusive { get; init; }

    [JsonPropertyName("memory_migrate")]
    public ulong MemoryMigrate { get; init; }

    [JsonPropertyName("memory_spread_page")]
    public ulong MemorySpreadPage { get; init; }

    [JsonPropertyName("memory_spread_slab")]
    public ulong MemorySpreadSlab { get; init; }

    [JsonPropertyName("memory_pressure")]
    public ulong MemoryPressure { get; init; }

    [JsonPropertyName("sched_load_balance")]
    public ulong SchedLoadBalance { get; init; }

    [JsonPropertyName("sched_relax_domain_level")]
    public long SchedRelaxDomainLevel { get; init; }
}

/// <summary>Memory use, limits and the kernel's memory.stat.</summary>
internal sealed record OciMemoryStats
{
    [JsonPropertyName("cache")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Cache { get; init; }

    [JsonPropertyName("usage")]
    public OciMemoryEntry Usage { get; init; } = new();

    [JsonPropertyName("swap")]
    public OciMemoryEntry Swap { get; init; } = new();

    [JsonPropertyName("kernel")]
    public OciMemoryEntry Kernel { get; init; } = new();

    [JsonPropertyName("kernelTCP")]
    public OciMemoryEntry KernelTcp { get; init; } = new();

    [JsonPropertyName("raw")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, ulong>? Raw { get; init; }
}

/// <summary>One memory counter: limit, usage, peak usage and how often the limit was hit.</summary>
internal sealed record OciMemoryEntry
{
    [JsonPropertyName("limit")]
    public ulong Limit { get; init; }

    [JsonPropertyName("usage")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Usage { get; init; }

    [JsonPropertyName("max")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Max { get; init; }

    [JsonPropertyName("failcnt")]
    public ulong Failcnt { get; init; }
}

/// <summary>The number of processes and its limit (0 for none).</summary>
internal sealed record OciPidsStats
{
    [JsonPropertyName("current")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Current { get; init; }

    [JsonPropertyName("limit")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Limit { get; init; }
}

/// <summary>Block I/O per device and operation.</summary>
internal sealed record OciBlkioStats
{
    [JsonPropertyName("ioServiceBytesRecursive")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<OciBlkioEntry>? IoServiceBytesRecursive { get; init; }

    [JsonPropertyName("ioServicedRecursive")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<OciBlkioEntry>? IoServicedRecursive { get; init; }
}

/// <summary>One line of a blkio statistics file.</summary>
internal sealed record OciBlkioEntry
{
    [JsonPropertyName("major")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Major { get; init; }

    [JsonPropertyName("minor")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Minor { get; init; }

    [JsonPropertyName("op")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Op { get; init; }

    [JsonPropertyName("value")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Value { get; init; }
}

/// <summary>Huge page use of one page size.</summary>
internal sealed record OciHugetlbStats
{
    [JsonPropertyName("usage")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Usage { get; init; }

    [JsonPropertyName("max")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Max { get; init; }

    [JsonPropertyName("failcnt")]
    public ulong Failcnt { get; init; }
}

/// <summary>Intel RDT statistics: always empty (no resctrl support).</summary>
internal sealed record OciIntelRdtStats;

/// <summary>One container as <c>list --format json</c> prints it (runc's containerState).</summary>
internal sealed record OciListEntry
{
    [JsonPropertyName("ociVersion")]
    public required string OciVersion { get; init; }

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("pid")]
    public int Pid { get; init; }

    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("bundle")]
    public required string Bundle { get; init; }

    [JsonPropertyName("rootfs")]
    public required string Rootfs { get; init; }

    /// <summary>Gets the creation time in Go's RFC 3339 form with nanoseconds, as runc writes it.</summary>
    [JsonPropertyName("created")]
    public required string Created { get; init; }

    [JsonPropertyName("annotations")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    [JsonPropertyName("owner")]
    public required string Owner { get; init; }
}

/// <summary>Serializes <c>events</c> and <c>list</c> output without reflection, compact as Go's encoder writes it.</summary>
[JsonSerializable(typeof(OciEvent))]
[JsonSerializable(typeof(IReadOnlyList<OciListEntry>))]
internal sealed partial class OciEventsJsonContext : JsonSerializerContext
{
}
