using Containers.Linux.Interop;
using Containers.Storage;

namespace Containers.Linux.Storage;

/// <summary>Applies the mounts a storage driver returns for a snapshot on a target directory.</summary>
internal static class StorageMounts
{
    private const ulong Bind = 4096;
    private const ulong Recursive = 16384;
    private const ulong Remount = 32;
    private const ulong ReadOnly = 1;

    /// <summary>
    /// Returns a directory that shows a snapshot: the source itself when its one mount is a writable bind (vfs), which
    /// needs no mount, and otherwise <paramref name="target"/> with the mounts applied (when it is not mounted already).
    /// </summary>
    /// <exception cref="IOException">The kernel refused a mount.</exception>
    public static string Show(IReadOnlyList<StorageMount> mounts, string target)
    {
        if (mounts is [{ Type: "bind" } only] && !only.Options.Contains("ro"))
        {
            return only.Source;
        }

        if (!OverlayMount.IsMountPoint(target))
        {
            Directory.CreateDirectory(target);
            Mount(mounts, target);
        }

        return target;
    }

    /// <exception cref="IOException">The kernel refused a mount.</exception>
    /// <exception cref="NotSupportedException">A mount type other than overlay or bind.</exception>
    public static void Mount(IReadOnlyList<StorageMount> mounts, string target)
    {
        foreach (var mount in mounts)
        {
            var options = mount.Options.Select(o => o.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : string.Empty, StringComparer.Ordinal);
            switch (mount.Type)
            {
                case "overlay":
                    // The new mount API takes one lowerdir+ per layer, past the page limit of mount(2)'s options.
                    OverlayMount.Mount(options["lowerdir"].Split(':'), options.GetValueOrDefault("upperdir"), options.GetValueOrDefault("workdir"), target);
                    break;
                case "bind":
                    Errno.Check(Libc.mount(mount.Source, target, null, Bind | Recursive, null), $"binding {mount.Source} at {target}");
                    if (options.ContainsKey("ro"))
                    {
                        Errno.Check(Libc.mount(null, target, null, Bind | Remount | ReadOnly, null), $"making {target} read-only");
                    }

                    break;
                default:
                    throw new NotSupportedException($"mount type '{mount.Type}' is not supported");
            }
        }
    }
}
