using System.Globalization;
using Containers.Oci.Runtime;

namespace Containers.Volumes;

/// <summary>Turns container mounts into OCI runtime mounts and merges them with the engine's defaults, as Docker orders them.</summary>
internal static class VolumeMounts
{
    /// <summary>Returns the runtime mount for <paramref name="mount"/> with its host source (a volume's data, a host path, or <c>tmpfs</c>).</summary>
    public static RuntimeMount ToRuntime(ContainerMount mount, string source)
    {
        if (mount.Type == MountType.Tmpfs)
        {
            var options = new List<string> { "nosuid", "nodev", mount.TmpfsExec ? "exec" : "noexec" };
            if (mount.ReadOnly)
            {
                options.Add("ro");
            }

            options.Add("mode=" + Convert.ToString(mount.TmpfsMode ?? 0x3FF | 0x200, 8));
            if (mount.TmpfsSize is { } size)
            {
                options.Add(string.Create(CultureInfo.InvariantCulture, $"size={size}"));
            }

            return new RuntimeMount { Destination = mount.Target, Type = "tmpfs", Source = "tmpfs", Options = options };
        }

        var bind = new List<string> { "rbind", mount.BindPropagation ?? "rprivate" };
        if (mount.ReadOnly)
        {
            bind.Add("ro");
        }

        return new RuntimeMount { Destination = mount.Target, Type = "bind", Source = source, Options = bind };
    }

    /// <summary>
    /// Adds the user's mounts to the defaults: a user mount replaces a default one at the same destination, and bind
    /// mounts (the engine's files and the user's mounts) go parents first, after the kernel file systems, so a mount
    /// inside another lands on top of it: <c>/etc/hosts</c> still shows over a volume at <c>/etc</c>.
    /// </summary>
    public static void Merge(List<RuntimeMount> defaults, IReadOnlyList<RuntimeMount> user)
    {
        if (user.Count == 0)
        {
            return;
        }

        var targets = user.Select(m => m.Destination).ToHashSet(StringComparer.Ordinal);
        defaults.RemoveAll(m => targets.Contains(m.Destination));
        var binds = defaults.Where(m => m.Type == "bind").Concat(user).OrderBy(m => m.Destination.Split('/', StringSplitOptions.RemoveEmptyEntries).Length).ToList();
        defaults.RemoveAll(m => m.Type == "bind");
        defaults.AddRange(binds);
    }
}
