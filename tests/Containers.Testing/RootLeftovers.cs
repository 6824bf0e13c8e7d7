using System.Security.Cryptography;
using System.Text;

namespace Containers.Testing;

/// <summary>
/// Lists what containers of one store root hold outside their records: container directories, mounts under the root,
/// cgroups under the root's parent (in any hierarchy, v1 or v2). Looks only at this root's objects, never at others'.
/// </summary>
public static class RootLeftovers
{
    /// <summary>Returns one line per leftover: container directories, mounts under the root, and the root's container cgroups.</summary>
    public static IReadOnlyList<string> Find(string root)
    {
        var full = Path.GetFullPath(root);
        var found = new List<string>();
        var containers = Path.Combine(full, "containers");
        if (Directory.Exists(containers))
        {
            found.AddRange(Directory.EnumerateFileSystemEntries(containers).Select(d => "container directory " + d));
        }

        // mountinfo's fifth field is the mount point (octal-escaped spaces do not occur in test roots).
        found.AddRange(File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4])
            .Where(m => m.StartsWith(full + "/", StringComparison.Ordinal)).Select(m => "mount " + m));

        var parent = "dotnet-containers/" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(full)))[..12];
        foreach (var hierarchy in CgroupHierarchies())
        {
            var directory = Path.Combine(hierarchy, parent);
            if (Directory.Exists(directory))
            {
                found.AddRange(Directory.EnumerateDirectories(directory).Select(d => "cgroup " + d));
            }
        }

        return found;
    }

    /// <summary>The mounted cgroup hierarchies: each v1 controller directory, or the single v2 root.</summary>
    private static IEnumerable<string> CgroupHierarchies()
    {
        const string Root = "/sys/fs/cgroup";
        if (File.Exists(Path.Combine(Root, "cgroup.controllers")))
        {
            return [Root];
        }

        return Directory.Exists(Root) ? Directory.EnumerateDirectories(Root) : [];
    }
}
