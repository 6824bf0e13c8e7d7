using Containers.Linux.Native;
using Containers.Oci.Runtime;

namespace Containers.Linux.Runtime;

/// <summary>
/// Expands a <c>cgroup</c> mount of the specification into the container's <c>/sys/fs/cgroup</c>: on v2 the single
/// cgroup2 mount; on v1 a tmpfs with one cgroup mount per host hierarchy. Inside a cgroup namespace created after the
/// container joined its cgroups, each mount's root is the container's own cgroup. Without one, the container's own
/// cgroup directories are bound instead, so the host's tree stays out of sight.
/// </summary>
internal static class CgroupMounts
{
    private const string HostRoot = "/sys/fs/cgroup";

    /// <summary>Gets the host's v1 hierarchies under /sys/fs/cgroup: directory name and mount data (<c>cpu,cpuacct</c>, <c>name=systemd</c>).</summary>
    private static readonly Lazy<IReadOnlyList<(string Name, string Data)>> V1Hierarchies = new(ReadV1Hierarchies);

    private static bool IsUnified => File.Exists(Path.Combine(HostRoot, "cgroup.controllers"));

    public static void Add(List<SpawnStep> steps, string target, ulong flags, RuntimeSpec spec)
    {
        var cgroupNamespace = spec.Linux?.Namespaces?.Any(n => n.Type == "cgroup" && n.Path is null) == true;
        var cgroupsPath = spec.Linux?.CgroupsPath;
        var mountFlags = flags & (MountOptions.ReadOnly | MountOptions.NoSuid | MountOptions.NoDev | MountOptions.NoExec);
        if (IsUnified)
        {
            if (cgroupNamespace || cgroupsPath is null)
            {
                steps.Add(SpawnStep.Mount("cgroup2", target, "cgroup2", mountFlags, null, "mount of /sys/fs/cgroup"));
            }
            else
            {
                BindReadOnly(steps, Path.Combine(HostRoot, cgroupsPath), target, mountFlags, "/sys/fs/cgroup");
            }

            return;
        }

        steps.Add(SpawnStep.Mount("tmpfs", target, "tmpfs", MountOptions.NoSuid | MountOptions.NoDev | MountOptions.NoExec, "mode=755", "mount of the /sys/fs/cgroup tmpfs"));
        foreach (var (name, data) in V1Hierarchies.Value)
        {
            var where = $"/sys/fs/cgroup/{name}";
            var source = cgroupsPath is null ? null : Path.Combine(HostRoot, name, cgroupsPath);
            if (!cgroupNamespace && (source is null || !Directory.Exists(source)))
            {
                // Without a namespace only the container's own cgroups are shown; it has none in this hierarchy.
                continue;
            }

            steps.Add(SpawnStep.MakeDirectory(target + "/" + name, 0x1ED, $"creating the mount point {where}"));
            if (cgroupNamespace)
            {
                steps.Add(SpawnStep.Mount("cgroup", target + "/" + name, "cgroup", mountFlags, data, $"mount of {where}"));
            }
            else
            {
                BindReadOnly(steps, source!, target + "/" + name, mountFlags, where);
            }

            // Co-mounted controllers ("cpu,cpuacct") are also reachable by each name, as on the host.
            foreach (var part in name.Contains(',', StringComparison.Ordinal) ? name.Split(',') : [])
            {
                steps.Add(SpawnStep.Symlink(name, target + "/" + part, $"linking /sys/fs/cgroup/{part}"));
            }
        }

        if ((flags & MountOptions.ReadOnly) != 0)
        {
            steps.Add(SpawnStep.Mount(null, target, null, MountOptions.Bind | MountOptions.Remount | MountOptions.ReadOnly | MountOptions.NoSuid | MountOptions.NoDev | MountOptions.NoExec, null, "making /sys/fs/cgroup read-only"));
        }
    }

    private static void BindReadOnly(List<SpawnStep> steps, string source, string target, ulong flags, string where)
    {
        steps.Add(SpawnStep.Mount(source, target, null, MountOptions.Bind, null, $"bind mount of {where}"));
        steps.Add(SpawnStep.Mount(null, target, null, MountOptions.Bind | MountOptions.Remount | flags, null, $"remount of {where} with its options"));
    }

    private static IReadOnlyList<(string Name, string Data)> ReadV1Hierarchies()
    {
        var hierarchies = new List<(string, string)>();
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // id parent major:minor root mountpoint options [optional fields] - fstype source super-options
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (separator < 0 || separator + 3 >= fields.Length || fields[separator + 1] != "cgroup")
            {
                continue;
            }

            var mountPoint = fields[4];
            if (Path.GetDirectoryName(mountPoint) != HostRoot)
            {
                continue;
            }

            var data = string.Join(',', fields[separator + 3].Split(',').Where(o => o is not ("rw" or "ro")));
            hierarchies.Add((Path.GetFileName(mountPoint), data));
        }

        return hierarchies;
    }
}
