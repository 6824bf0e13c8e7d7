using System.Globalization;
using Containers.Linux.Cgroups;

namespace Containers.Linux.Runtime.Oci;

/// <summary>Reads a container's cgroup into runc's statistics (<see cref="OciStats"/>), from the files runc reads on each cgroup version.</summary>
internal static class CgroupStatsReader
{
    /// <summary>USER_HZ: cpuacct.stat counts in these ticks, which runc turns into nanoseconds.</summary>
    private const ulong ClockTicks = 100;

    public static OciStats Read(string root, string path, int version) =>
        version == 1 ? ReadV1(root, path) : ReadV2(Path.Combine(root, path));

    private static OciStats ReadV1(string root, string path)
    {
        string Dir(string controller) => Path.Combine(root, controller, path);

        var cpuacct = Dir("cpuacct");
        var modes = CgroupFiles.ReadKeyed(cpuacct, "cpuacct.stat");
        var (percpuUser, percpuKernel) = UsageAll(cpuacct);
        var throttling = CgroupFiles.ReadKeyed(Dir("cpu"), "cpu.stat");
        var memory = Dir("memory");
        var raw = CgroupFiles.ReadKeyed(memory, "memory.stat");
        var cpuset = Dir("cpuset");
        return new OciStats
        {
            Cpu = new OciCpuStats
            {
                Usage = new OciCpuUsage
                {
                    Total = CgroupFiles.ReadNumber(cpuacct, "cpuacct.usage"),
                    Percpu = NonEmpty(Numbers(CgroupFiles.Read(cpuacct, "cpuacct.usage_percpu"))),
                    PercpuKernel = percpuKernel,
                    PercpuUser = percpuUser,
                    Kernel = modes.GetValueOrDefault("system") * 1_000_000_000 / ClockTicks,
                    User = modes.GetValueOrDefault("user") * 1_000_000_000 / ClockTicks,
                },
                Throttling = new OciThrottling
                {
                    Periods = throttling.GetValueOrDefault("nr_periods"),
                    ThrottledPeriods = throttling.GetValueOrDefault("nr_throttled"),
                    ThrottledTime = throttling.GetValueOrDefault("throttled_time"),
                },
            },
            Cpuset = new OciCpusetStats
            {
                Cpus = NonEmpty(CpuList(CgroupFiles.Read(cpuset, "cpuset.cpus"))),
                CpuExclusive = CgroupFiles.ReadNumber(cpuset, "cpuset.cpu_exclusive"),
                Mems = NonEmpty(CpuList(CgroupFiles.Read(cpuset, "cpuset.mems"))),
                MemHardwall = CgroupFiles.ReadNumber(cpuset, "cpuset.mem_hardwall"),
                MemExclusive = CgroupFiles.ReadNumber(cpuset, "cpuset.mem_exclusive"),
                MemoryMigrate = CgroupFiles.ReadNumber(cpuset, "cpuset.memory_migrate"),
                MemorySpreadPage = CgroupFiles.ReadNumber(cpuset, "cpuset.memory_spread_page"),
                MemorySpreadSlab = CgroupFiles.ReadNumber(cpuset, "cpuset.memory_spread_slab"),
                MemoryPressure = CgroupFiles.ReadNumber(cpuset, "cpuset.memory_pressure"),
                SchedLoadBalance = CgroupFiles.ReadNumber(cpuset, "cpuset.sched_load_balance"),
                SchedRelaxDomainLevel = long.TryParse(CgroupFiles.Read(cpuset, "cpuset.sched_relax_domain_level"), CultureInfo.InvariantCulture, out var level) ? level : 0,
            },
            Memory = new OciMemoryStats
            {
                Cache = raw.GetValueOrDefault("cache"),
                Usage = MemoryEntry(memory, "memory"),
                Swap = MemoryEntry(memory, "memory.memsw"),
                Kernel = MemoryEntry(memory, "memory.kmem"),
                KernelTcp = MemoryEntry(memory, "memory.kmem.tcp"),
                Raw = Sorted(raw),
            },
            Pids = Pids(Dir("pids")),
            Blkio = BlkioV1(Dir("blkio")),
        };
    }

    private static OciStats ReadV2(string directory)
    {
        var cpu = CgroupFiles.ReadKeyed(directory, "cpu.stat");
        var raw = CgroupFiles.ReadKeyed(directory, "memory.stat");
        return new OciStats
        {
            Cpu = new OciCpuStats
            {
                // cpu.stat counts microseconds; runc reports nanoseconds.
                Usage = new OciCpuUsage
                {
                    Total = cpu.GetValueOrDefault("usage_usec") * 1000,
                    Kernel = cpu.GetValueOrDefault("system_usec") * 1000,
                    User = cpu.GetValueOrDefault("user_usec") * 1000,
                },
                Throttling = new OciThrottling
                {
                    Periods = cpu.GetValueOrDefault("nr_periods"),
                    ThrottledPeriods = cpu.GetValueOrDefault("nr_throttled"),
                    ThrottledTime = cpu.GetValueOrDefault("throttled_usec") * 1000,
                },
            },
            Cpuset = new OciCpusetStats
            {
                Cpus = NonEmpty(CpuList(CgroupFiles.Read(directory, "cpuset.cpus.effective"))),
                Mems = NonEmpty(CpuList(CgroupFiles.Read(directory, "cpuset.mems.effective"))),
            },
            Memory = new OciMemoryStats
            {
                Cache = raw.GetValueOrDefault("file"),
                Usage = new OciMemoryEntry
                {
                    Usage = CgroupFiles.ReadNumber(directory, "memory.current"),
                    Max = CgroupFiles.ReadNumber(directory, "memory.peak"),
                    Limit = MaxOrNumber(CgroupFiles.Read(directory, "memory.max")),
                    Failcnt = CgroupFiles.ReadKeyed(directory, "memory.events").GetValueOrDefault("max"),
                },
                Swap = new OciMemoryEntry
                {
                    Usage = CgroupFiles.ReadNumber(directory, "memory.swap.current"),
                    Limit = MaxOrNumber(CgroupFiles.Read(directory, "memory.swap.max")),
                },
                Raw = Sorted(raw),
            },
            Pids = Pids(directory),
        };
    }

    private static OciPidsStats Pids(string directory) => new()
    {
        Current = CgroupFiles.ReadNumber(directory, "pids.current"),
        Limit = CgroupFiles.ReadNumber(directory, "pids.max"),
    };

    /// <summary>"max" is no limit: runc reports the largest value for memory (as v1's own "unlimited") and 0 for pids.</summary>
    private static ulong MaxOrNumber(string? text) =>
        text == "max" ? ulong.MaxValue : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static OciMemoryEntry MemoryEntry(string directory, string prefix) => new()
    {
        Usage = CgroupFiles.ReadNumber(directory, prefix + ".usage_in_bytes"),
        Max = CgroupFiles.ReadNumber(directory, prefix + ".max_usage_in_bytes"),
        Failcnt = CgroupFiles.ReadNumber(directory, prefix + ".failcnt"),
        Limit = CgroupFiles.ReadNumber(directory, prefix + ".limit_in_bytes"),
    };

    /// <summary>cpuacct.usage_all: a "cpu user system" header, then one line per CPU.</summary>
    private static (IReadOnlyList<ulong>? User, IReadOnlyList<ulong>? Kernel) UsageAll(string directory)
    {
        var lines = (CgroupFiles.Read(directory, "cpuacct.usage_all") ?? string.Empty).Split('\n').Skip(1).Select(Numbers).Where(n => n.Count == 3).ToList();
        return lines.Count == 0 ? (null, null) : (lines.Select(l => l[1]).ToList(), lines.Select(l => l[2]).ToList());
    }

    /// <summary>
    /// runc's v1 blkio: the first group of files that has data wins: CFQ's recursive counters, then the throttling
    /// layer's recursive ones, then its flat ones (the only ones on most kernels now).
    /// </summary>
    private static OciBlkioStats BlkioV1(string directory)
    {
        foreach (var (bytes, serviced) in new[]
        {
            ("blkio.io_service_bytes_recursive", "blkio.io_serviced_recursive"),
            ("blkio.throttle.io_service_bytes_recursive", "blkio.throttle.io_serviced_recursive"),
            ("blkio.throttle.io_service_bytes", "blkio.throttle.io_serviced"),
        })
        {
            if (BlkioEntries(CgroupFiles.Read(directory, serviced)) is { } servicedEntries)
            {
                return new OciBlkioStats { IoServicedRecursive = servicedEntries, IoServiceBytesRecursive = BlkioEntries(CgroupFiles.Read(directory, bytes)) };
            }
        }

        return new OciBlkioStats();
    }

    /// <summary>Parses "MAJOR:MINOR Op value" lines, leaving out the "Total" line; null when there are none.</summary>
    private static List<OciBlkioEntry>? BlkioEntries(string? text)
    {
        var entries = new List<OciBlkioEntry>();
        foreach (var line in (text ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var device = fields[0].Split(':');
            if (fields.Length < 2 || device.Length != 2)
            {
                continue;
            }

            entries.Add(new OciBlkioEntry
            {
                Major = ulong.Parse(device[0], CultureInfo.InvariantCulture),
                Minor = ulong.Parse(device[1], CultureInfo.InvariantCulture),
                Op = fields.Length == 3 ? fields[1] : null,
                Value = ulong.Parse(fields[^1], CultureInfo.InvariantCulture),
            });
        }

        return entries.Count == 0 ? null : entries;
    }

    private static List<ulong> Numbers(string? text) =>
        (text ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(n => ulong.Parse(n, CultureInfo.InvariantCulture)).ToList();

    /// <summary>Expands a list such as "0-2,5" (cpuset.cpus, cpuset.mems).</summary>
    private static List<ushort> CpuList(string? text)
    {
        var values = new List<ushort>();
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split('-');
            var first = ushort.Parse(range[0], CultureInfo.InvariantCulture);
            var last = range.Length == 2 ? ushort.Parse(range[1], CultureInfo.InvariantCulture) : first;
            for (var value = first; value <= last; value++)
            {
                values.Add(value);
            }
        }

        return values;
    }

    /// <summary>Go's encoder writes a map's keys in order.</summary>
    private static SortedDictionary<string, ulong> Sorted(Dictionary<string, ulong> values) => new(values, StringComparer.Ordinal);

    private static List<T>? NonEmpty<T>(List<T> values) => values.Count == 0 ? null : values;
}
