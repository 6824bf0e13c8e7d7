namespace Containers.Linux.Runtime.Oci;

/// <summary>
/// The controller-less v1 hierarchies (name=systemd) a runc container also gets a cgroup in, so that its
/// /sys/fs/cgroup shows them as under runc. Only hierarchies mounted directly under /sys/fs/cgroup count.
/// </summary>
internal static class NamedCgroupHierarchies
{
    private static readonly Lazy<IReadOnlyList<string>> Roots = new(() =>
        File.ReadLines("/proc/self/mountinfo")
            .Select(line => (Fields: line.Split(' '), Separator: line.IndexOf(" - ", StringComparison.Ordinal)))
            .Where(m => m.Separator > 0 && MountPoint(m.Fields).StartsWith("/sys/fs/cgroup/", StringComparison.Ordinal))
            .Where(m => m.Fields[^3] == "cgroup" && m.Fields[^1].Split(',').Any(o => o.StartsWith("name=", StringComparison.Ordinal)))
            .Select(m => MountPoint(m.Fields))
            .ToList());

    private static string MountPoint(string[] fields) => fields[4];

    /// <summary>Creates the container's cgroup in each named hierarchy.</summary>
    public static void Create(string cgroupsPath)
    {
        foreach (var root in Roots.Value)
        {
            Directory.CreateDirectory(Path.Combine(root, cgroupsPath));
        }
    }

    /// <summary>Moves <paramref name="pid"/> into the container's cgroup of each named hierarchy.</summary>
    public static void Join(string cgroupsPath, int pid)
    {
        foreach (var root in Roots.Value)
        {
            File.WriteAllText(Path.Combine(root, cgroupsPath, "cgroup.procs"), pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Removes the container's (empty) cgroups of the named hierarchies; a missing one is fine.</summary>
    public static void Remove(string cgroupsPath)
    {
        foreach (var root in Roots.Value)
        {
            var directory = Path.Combine(root, cgroupsPath);
            try
            {
                Directory.Delete(directory);
            }
            catch (DirectoryNotFoundException)
            {
            }
            catch (IOException)
            {
                // Still busy (a process the container left behind): it goes with the controllers' cgroups' cleanup.
            }
        }
    }
}
