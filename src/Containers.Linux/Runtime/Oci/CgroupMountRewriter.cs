using Containers.Oci.Runtime;

namespace Containers.Linux.Runtime.Oci;

/// <summary>
/// Turns a <c>cgroup</c> mount into what a cgroup v1 host can give: a tmpfs at the destination with each controller's
/// container cgroup bound read-only beneath it, as runc does. (Mounting a v1 "cgroup" with no controller named fails
/// with EBUSY.)
/// </summary>
internal static class CgroupMountRewriter
{
    public static RuntimeSpec Rewrite(RuntimeSpec spec, string cgroupsPath, string hierarchyRoot)
    {
        if (spec.Mounts is not { } mounts || !mounts.Any(m => m.Type == "cgroup"))
        {
            return spec;
        }

        var rewritten = new List<RuntimeMount>();
        foreach (var mount in mounts)
        {
            if (mount.Type != "cgroup")
            {
                rewritten.Add(mount);
                continue;
            }

            var destination = mount.Destination.TrimEnd('/');
            var readOnly = mount.Options?.Contains("ro") == true;
            rewritten.Add(new RuntimeMount
            {
                Destination = destination,
                Type = "tmpfs",
                Source = "tmpfs",
                Options = ["nosuid", "noexec", "nodev", "mode=755"],
            });
            foreach (var controller in Directory.EnumerateDirectories(hierarchyRoot).Order(StringComparer.Ordinal))
            {
                var source = Path.Combine(controller, cgroupsPath);
                if (new DirectoryInfo(controller).LinkTarget is not null || !Directory.Exists(source))
                {
                    continue;
                }

                rewritten.Add(new RuntimeMount
                {
                    Destination = destination + "/" + Path.GetFileName(controller),
                    Type = "bind",
                    Source = source,
                    Options = readOnly ? ["rbind", "ro", "nosuid", "noexec", "nodev"] : ["rbind", "nosuid", "noexec", "nodev"],
                });
            }
        }

        return spec with { Mounts = rewritten };
    }
}
