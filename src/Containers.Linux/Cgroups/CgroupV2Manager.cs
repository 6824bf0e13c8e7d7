using System.Globalization;
using Containers.Containers;
using Containers.Oci.Runtime;

namespace Containers.Linux.Cgroups;

/// <summary>Manages cgroups on the unified (v2) hierarchy.</summary>
internal sealed class CgroupV2Manager(string root) : ICgroupManager
{
    private static readonly string[] WantedControllers = ["cpu", "cpuset", "io", "memory", "pids"];

    public int Version => 2;

    private string Dir(string path) => Path.Combine(root, path);

    public void Create(string path, RuntimeResources? resources) => CgroupFiles.CreateRacingRemoval(() => CreateOnce(path, resources));

    private void CreateOnce(string path, RuntimeResources? resources)
    {
        // Each ancestor must delegate the controllers to its children before a leaf can use them.
        var current = root;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var available = (CgroupFiles.Read(current, "cgroup.controllers") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var enable = WantedControllers.Where(available.Contains).Select(c => "+" + c);
            if (enable.Any())
            {
                CgroupFiles.Write(current, "cgroup.subtree_control", string.Join(' ', enable));
            }

            current = Path.Combine(current, part);
            Directory.CreateDirectory(current);
        }

        var directory = Dir(path);
        if (resources?.Memory is { Limit: { } limit } memory)
        {
            CgroupFiles.Write(directory, "memory.max", limit.ToString(CultureInfo.InvariantCulture));
            if (memory.Swap is { } swap && swap >= limit)
            {
                CgroupFiles.WriteIfExists(directory, "memory.swap.max", (swap - limit).ToString(CultureInfo.InvariantCulture));
            }
        }

        if (resources?.Cpu is { } cpu)
        {
            if (cpu.Shares is { } shares)
            {
                CgroupFiles.Write(directory, "cpu.weight", SharesToWeight(shares).ToString(CultureInfo.InvariantCulture));
            }

            if (cpu.Quota is { } quota)
            {
                CgroupFiles.Write(directory, "cpu.max", string.Create(CultureInfo.InvariantCulture, $"{(quota > 0 ? quota.ToString(CultureInfo.InvariantCulture) : "max")} {cpu.Period ?? 100_000}"));
            }

            if (cpu.Cpus is { } cpus)
            {
                CgroupFiles.Write(directory, "cpuset.cpus", cpus);
            }
        }

        if (resources?.Pids is { Limit: > 0 } pids)
        {
            CgroupFiles.Write(directory, "pids.max", pids.Limit.ToString(CultureInfo.InvariantCulture));
        }

        if (resources?.Devices is { Count: > 0 } devices)
        {
            DeviceFilterLoader.Attach(directory, DeviceFilterCompiler.Compile(devices));
        }
    }

    /// <summary>Converts cgroup v1 shares (2 to 262144) to a v2 weight (1 to 10000), as runc and crun do.</summary>
    public static ulong SharesToWeight(ulong shares) => shares == 0 ? 100 : 1 + ((Math.Clamp(shares, 2, 262144) - 2) * 9999 / 262142);

    public IReadOnlyList<string> Directories(string path) => [Dir(path)];

    public IReadOnlyList<string> ProcessFiles(string path) => [Path.Combine(Dir(path), "cgroup.procs")];

    public void AddProcess(string path, int pid) => CgroupFiles.Write(Dir(path), "cgroup.procs", pid.ToString(CultureInfo.InvariantCulture));

    public Task FreezeAsync(string path, CancellationToken cancellationToken) => SetFrozenAsync(path, "1", cancellationToken);

    public Task ThawAsync(string path, CancellationToken cancellationToken) => SetFrozenAsync(path, "0", cancellationToken);

    private async Task SetFrozenAsync(string path, string value, CancellationToken cancellationToken)
    {
        CgroupFiles.Write(Dir(path), "cgroup.freeze", value);
        while (CgroupFiles.ReadKeyed(Dir(path), "cgroup.events").GetValueOrDefault("frozen").ToString(CultureInfo.InvariantCulture) != value)
        {
            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }
    }

    public ContainerStats Stats(string path)
    {
        var directory = Dir(path);
        var max = CgroupFiles.Read(directory, "memory.max");
        var host = CgroupFiles.MemoryTotal();
        ulong read = 0, write = 0;
        foreach (var line in (CgroupFiles.Read(directory, "io.stat") ?? string.Empty).Split('\n'))
        {
            foreach (var field in line.Split(' ').Skip(1))
            {
                var kv = field.Split('=');
                if (kv.Length == 2 && ulong.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    read += kv[0] == "rbytes" ? value : 0;
                    write += kv[0] == "wbytes" ? value : 0;
                }
            }
        }

        var usage = CgroupFiles.ReadNumber(directory, "memory.current");
        return new ContainerStats
        {
            CpuUsageNanoseconds = CgroupFiles.ReadKeyed(directory, "cpu.stat").GetValueOrDefault("usage_usec") * 1000,
            MemoryUsage = usage - Math.Min(usage, CgroupFiles.ReadKeyed(directory, "memory.stat").GetValueOrDefault("inactive_file")),
            MemoryLimit = max is null or "max" ? host : ulong.Parse(max, CultureInfo.InvariantCulture),
            Pids = CgroupFiles.ReadNumber(directory, "pids.current"),
            BlockRead = read,
            BlockWrite = write,
        };
    }

    public IReadOnlyList<int> Processes(string path) => CgroupFiles.ReadPids(Dir(path));

    public bool OomKilled(string path) => CgroupFiles.ReadKeyed(Dir(path), "memory.events").GetValueOrDefault("oom_kill") > 0;

    public async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        var directory = Dir(path);
        if (!Directory.Exists(directory))
        {
            return;
        }

        if (Processes(path).Count > 0)
        {
            CgroupFiles.WriteIfExists(directory, "cgroup.kill", "1");
        }

        await CgroupFiles.RemoveDirectoryAsync(directory, cancellationToken).ConfigureAwait(false);
    }

    public void RemoveIfEmpty(string path) => CgroupFiles.TryRemoveEmptyDirectory(Dir(path));

    public IReadOnlyList<string> List(string parent)
    {
        return CgroupFiles.ListChildren(Dir(parent), parent);
    }
}
