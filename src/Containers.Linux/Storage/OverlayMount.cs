using Containers.Linux.Interop;

namespace Containers.Linux.Storage;

/// <summary>
/// Mounts overlayfs with the new mount API, one <c>lowerdir+</c> per layer, so an image with hundreds of layers mounts
/// without hitting the one-page limit of mount(2)'s option string; falls back to mount(2) on kernels without it.
/// </summary>
internal static class OverlayMount
{
    /// <summary>Mounts lowers (topmost first) with an optional upper and work directory on <paramref name="target"/>.</summary>
    /// <exception cref="IOException">The kernel refused the mount.</exception>
    public static void Mount(IReadOnlyList<string> lowers, string? upper, string? work, string target)
    {
        var fd = Libc.fsopen("overlay");
        if (fd < 0)
        {
            MountLegacy(lowers, upper, work, target);
            return;
        }

        try
        {
            foreach (var lower in lowers)
            {
                if (Libc.fsconfigString(fd, "lowerdir+", lower) < 0)
                {
                    if (Errno.Last == Errno.EINVAL && lower == lowers[0])
                    {
                        // A kernel before 6.8 knows no lowerdir+.
                        Libc.close(fd);
                        fd = -1;
                        MountLegacy(lowers, upper, work, target);
                        return;
                    }

                    Errno.Check(-1, $"adding layer {lower} to the overlay");
                }
            }

            if (upper is not null)
            {
                Errno.Check(Libc.fsconfigString(fd, "upperdir", upper), "setting the overlay's upper directory");
                Errno.Check(Libc.fsconfigString(fd, "workdir", work!), "setting the overlay's work directory");
            }

            Errno.Check(Libc.fsconfigString(fd, "index", "off"), "turning the overlay index off");
            Errno.Check(Libc.fsconfigCreate(fd), "creating the overlay");
            var mount = Errno.Check(Libc.fsmount(fd), "creating the overlay mount");
            try
            {
                Errno.Check(Libc.moveMount(mount, target), $"attaching the overlay at {target}");
            }
            finally
            {
                Libc.close(mount);
            }
        }
        finally
        {
            if (fd >= 0)
            {
                Libc.close(fd);
            }
        }
    }

    /// <summary>Mounts layers (topmost first) read-only; overlayfs needs two lowers without an upper, so one layer is bind-mounted.</summary>
    public static void MountReadOnly(IReadOnlyList<string> lowers, string target)
    {
        if (lowers.Count > 1)
        {
            Mount(lowers, null, null, target);
            return;
        }

        Errno.Check(Libc.mount(lowers[0], target, null, 4096, null), $"binding {lowers[0]} at {target}");
        Errno.Check(Libc.mount(null, target, null, 4096 | 32 | 1, null), $"making {target} read-only");
    }

    private static void MountLegacy(IReadOnlyList<string> lowers, string? upper, string? work, string target)
    {
        var options = "index=off,lowerdir=" + string.Join(':', lowers) + (upper is null ? string.Empty : $",upperdir={upper},workdir={work}");
        Errno.Check(Libc.mount("overlay", target, "overlay", 0, options), $"mounting the overlay at {target}");
    }

    /// <summary>Unmounts lazily, so a process still inside cannot keep the store busy; does nothing when nothing is mounted.</summary>
    public static void Unmount(string target)
    {
        if (IsMountPoint(target))
        {
            Errno.Check(Libc.umount2(target, 2), $"unmounting {target}");
        }
    }

    /// <summary>Tells whether a path is a mount point, from this process's mount table.</summary>
    public static bool IsMountPoint(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd('/');
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            if (fields.Length > 4 && Unescape(fields[4]) == full)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Lists the mount points under a directory.</summary>
    public static IEnumerable<string> MountsUnder(string directory)
    {
        var prefix = Path.GetFullPath(directory).TrimEnd('/') + "/";
        return File.ReadLines("/proc/self/mountinfo")
            .Select(l => l.Split(' '))
            .Where(f => f.Length > 4)
            .Select(f => Unescape(f[4]))
            .Where(p => p.StartsWith(prefix, StringComparison.Ordinal))
            .ToList();
    }

    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);
}
