using System.Globalization;
using Containers.Containers;
using Containers.Oci.Runtime;

namespace Containers.Linux.Cgroups;

/// <summary>
/// Manages cgroups on the v1 hierarchies (one mount per controller under the root, as on this machine's hybrid layout).
/// </summary>
internal sealed class CgroupV1Manager(string root) : ICgroupManager
{
    private static readonly string[] Controllers = ["memory", "cpu", "cpuacct", "pids", "cpuset", "freezer", "blkio", "devices"];

    public int Version => 1;

    private IReadOnlyList<string>? _mounted;

    // Found once: the host's hierarchies do not come and go under a running engine, and every cgroup operation of a
    // container start and exit asked again (a stat and a readlink per controller, ~100 system calls per container).
    private IReadOnlyList<string> Mounted => _mounted ??= Controllers.Where(c => Directory.Exists(Path.Combine(root, c))).DistinctBy(ResolvedRoot).ToList();

    private string ResolvedRoot(string controller)
    {
        var directory = new DirectoryInfo(Path.Combine(root, controller));
        return directory.LinkTarget is { } target ? Path.GetFullPath(target, root) : directory.FullName;
    }

    private string Dir(string controller, string path) => Path.Combine(root, controller, path);

    public void Create(string path, RuntimeResources? resources) => CgroupFiles.CreateRacingRemoval(() => CreateOnce(path, resources));

    private void CreateOnce(string path, RuntimeResources? resources)
    {
        foreach (var controller in Mounted)
        {
            Directory.CreateDirectory(Dir(controller, path));
        }

        InheritCpuset(path);
        if (resources?.Memory is { Limit: { } limit } memory)
        {
            CgroupFiles.Write(Dir("memory", path), "memory.limit_in_bytes", limit.ToString(CultureInfo.InvariantCulture));
            if (memory.Swap is { } swap && swap >= limit)
            {
                // Present only when the kernel accounts swap.
                CgroupFiles.WriteIfExists(Dir("memory", path), "memory.memsw.limit_in_bytes", swap.ToString(CultureInfo.InvariantCulture));
            }
        }

        if (resources?.Cpu is { } cpu)
        {
            if (cpu.Shares is { } shares)
            {
                CgroupFiles.Write(Dir("cpu", path), "cpu.shares", shares.ToString(CultureInfo.InvariantCulture));
            }

            if (cpu.Period is { } period)
            {
                CgroupFiles.Write(Dir("cpu", path), "cpu.cfs_period_us", period.ToString(CultureInfo.InvariantCulture));
            }

            if (cpu.Quota is { } quota)
            {
                CgroupFiles.Write(Dir("cpu", path), "cpu.cfs_quota_us", quota.ToString(CultureInfo.InvariantCulture));
            }

            if (cpu.Cpus is { } cpus)
            {
                CgroupFiles.Write(Dir("cpuset", path), "cpuset.cpus", cpus);
            }
        }

        if (resources?.Pids is { Limit: > 0 } pids)
        {
            CgroupFiles.Write(Dir("pids", path), "pids.max", pids.Limit.ToString(CultureInfo.InvariantCulture));
        }

        if (resources?.Devices is { Count: > 0 } devices && Directory.Exists(Path.Combine(root, "devices")))
        {
            DeviceRulesV1.Apply(Dir("devices", path), devices);
        }
    }

    /// <summary>A new v1 cpuset cgroup starts with no CPUs and no memory nodes; copy them down from its parents.</summary>
    private void InheritCpuset(string path)
    {
        if (!Directory.Exists(Path.Combine(root, "cpuset")))
        {
            return;
        }

        var current = Path.Combine(root, "cpuset");
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var child = Path.Combine(current, part);
            foreach (var file in new[] { "cpuset.cpus", "cpuset.mems" })
            {
                if (string.IsNullOrEmpty(CgroupFiles.Read(child, file)))
                {
                    CgroupFiles.Write(child, file, CgroupFiles.Read(current, file) ?? string.Empty);
                }
            }

            current = child;
        }
    }

    public IReadOnlyList<string> Directories(string path) => Mounted.Select(c => Dir(c, path)).ToList();

    public IReadOnlyList<string> ProcessFiles(string path) => Mounted.Select(c => Path.Combine(Dir(c, path), "cgroup.procs")).ToList();

    public void AddProcess(string path, int pid)
    {
        foreach (var controller in Mounted)
        {
            CgroupFiles.Write(Dir(controller, path), "cgroup.procs", pid.ToString(CultureInfo.InvariantCulture));
        }
    }

    public Task FreezeAsync(string path, CancellationToken cancellationToken) => SetFreezerAsync(path, "FROZEN", cancellationToken);

    public Task ThawAsync(string path, CancellationToken cancellationToken) => SetFreezerAsync(path, "THAWED", cancellationToken);

    private async Task SetFreezerAsync(string path, string wanted, CancellationToken cancellationToken)
    {
        var directory = Dir("freezer", path);
        CgroupFiles.Write(directory, "freezer.state", wanted);
        while (CgroupFiles.Read(directory, "freezer.state") != wanted)
        {
            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            CgroupFiles.Write(directory, "freezer.state", wanted);
        }
    }

    public ContainerStats Stats(string path)
    {
        var memory = Dir("memory", path);
        var stat = CgroupFiles.ReadKeyed(memory, "memory.stat");
        var usage = CgroupFiles.ReadNumber(memory, "memory.usage_in_bytes");
        var limit = CgroupFiles.ReadNumber(memory, "memory.limit_in_bytes");
        var host = CgroupFiles.MemoryTotal();
        var (read, write) = BlockIo(Dir("blkio", path));
        return new ContainerStats
        {
            CpuUsageNanoseconds = CgroupFiles.ReadNumber(Dir("cpuacct", path), "cpuacct.usage"),
            MemoryUsage = usage - Math.Min(usage, stat.GetValueOrDefault("total_inactive_file")),
            MemoryLimit = limit == 0 || limit > host ? host : limit,
            Pids = CgroupFiles.ReadNumber(Dir("pids", path), "pids.current"),
            BlockRead = read,
            BlockWrite = write,
        };
    }

    private static (ulong Read, ulong Write) BlockIo(string directory)
    {
        ulong read = 0, write = 0;
        foreach (var line in (CgroupFiles.Read(directory, "blkio.throttle.io_service_bytes") ?? string.Empty).Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3 && ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                read += parts[1] == "Read" ? value : 0;
                write += parts[1] == "Write" ? value : 0;
            }
        }

        return (read, write);
    }

    public IReadOnlyList<int> Processes(string path) => CgroupFiles.ReadPids(Dir("pids", path));

    public bool OomKilled(string path) => CgroupFiles.ReadKeyed(Dir("memory", path), "memory.oom_control").GetValueOrDefault("oom_kill") > 0;

    public async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        var pids = Directory.Exists(Dir("pids", path)) ? Processes(path) : [];
        if (pids.Count > 0)
        {
            if (Directory.Exists(Dir("freezer", path)))
            {
                await ThawAsync(path, cancellationToken).ConfigureAwait(false);
            }

            foreach (var pid in pids)
            {
                Interop.Libc.kill(pid, Signals.Kill);
            }
        }

        foreach (var controller in Mounted)
        {
            await CgroupFiles.RemoveDirectoryAsync(Dir(controller, path), cancellationToken).ConfigureAwait(false);
        }
    }

    public void RemoveIfEmpty(string path)
    {
        foreach (var controller in Mounted)
        {
            CgroupFiles.TryRemoveEmptyDirectory(Dir(controller, path));
        }
    }

    public IReadOnlyList<string> List(string parent)
    {
        return CgroupFiles.ListChildren(Dir("pids", parent), parent);
    }
}
