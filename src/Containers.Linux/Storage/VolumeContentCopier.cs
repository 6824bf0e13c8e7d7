using Containers.Linux.Interop;
using Containers.Volumes;

namespace Containers.Linux.Storage;

/// <summary>
/// Copies an image directory into an empty volume as Docker does on first mount: ownership, modes (setuid included),
/// extended attributes, modification times, symbolic links (as links) and device nodes are kept.
/// </summary>
/// <remarks>Hard links become separate copies. Nothing is followed: a link in the image is copied as a link.</remarks>
internal sealed class VolumeContentCopier : IVolumeContentCopier
{
    public void Copy(string source, string destination) => CopyTree(source, destination);

    private static void CopyTree(string source, string destination)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(source))
        {
            CopyEntry(entry, Path.Combine(destination, Path.GetFileName(entry)));
        }

        CopyAttributes(source, destination, Status(source));
    }

    private static void CopyEntry(string source, string destination)
    {
        var status = Status(source);
        switch (status.Mode & Libc.S_IFMT)
        {
            case Libc.S_IFDIR:
                Directory.CreateDirectory(destination);
                CopyTree(source, destination);
                return;
            case Libc.S_IFREG:
                using (var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None))
                using (var to = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None))
                {
                    from.CopyTo(to, 1 << 20);
                }

                break;
            case Libc.S_IFLNK:
                File.CreateSymbolicLink(destination, new FileInfo(source).LinkTarget!);
                break;
            case Libc.S_IFCHR or Libc.S_IFBLK or Libc.S_IFIFO:
                Check(Libc.mknodat(Libc.AT_FDCWD, destination, status.Mode & (Libc.S_IFMT | 0xFFF), status.Device), "creating", destination);
                break;
            default:
                return; // sockets belong to a process, not to the image
        }

        CopyAttributes(source, destination, status);
    }

    private static unsafe void CopyAttributes(string source, string destination, Libc.FileStatus status)
    {
        // Ownership first: chown clears setuid and setgid bits, so the mode goes after it.
        Check(Libc.lchown(destination, status.Uid, status.Gid), "changing the owner of", destination);
        var isLink = (status.Mode & Libc.S_IFMT) == Libc.S_IFLNK;
        if (!isLink)
        {
            Check(Libc.chmod(destination, status.Mode & 0xFFF), "changing the mode of", destination);
        }

        CopyExtendedAttributes(source, destination);
        var times = stackalloc long[4] { 0, Libc.UTIME_OMIT, status.MtimeSeconds, status.MtimeNanoseconds };
        Check(Libc.utimensat(Libc.AT_FDCWD, destination, times, Libc.AT_SYMLINK_NOFOLLOW), "setting the times of", destination);
    }

    private static unsafe void CopyExtendedAttributes(string source, string destination)
    {
        var size = Libc.llistxattr(source, null, 0);
        if (size <= 0)
        {
            return;
        }

        var names = new byte[size];
        fixed (byte* list = names)
        {
            size = Libc.llistxattr(source, list, size);
        }

        foreach (var name in System.Text.Encoding.UTF8.GetString(names, 0, (int)Math.Max(size, 0)).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            // overlayfs keeps its own bookkeeping in trusted.overlay.*; it is not the image's.
            if (name.StartsWith("trusted.overlay.", StringComparison.Ordinal))
            {
                continue;
            }

            var length = Libc.lgetxattr(source, name, null, 0);
            if (length < 0)
            {
                continue;
            }

            var value = new byte[Math.Max(length, 1)];
            fixed (byte* buffer = value)
            {
                length = Libc.lgetxattr(source, name, buffer, value.Length);
                if (length >= 0)
                {
                    Check(Libc.lsetxattr(destination, name, buffer, length, 0), $"setting {name} on", destination);
                }
            }
        }
    }

    private static Libc.FileStatus Status(string path) =>
        Libc.LinkStatus(path) ?? throw new IOException($"cannot read the status of {path}: {Errno.Describe(Errno.Last)}");

    private static void Check(int result, string what, string path)
    {
        if (result < 0)
        {
            throw new IOException($"{what} {path} failed while filling a volume from the image: {Errno.Describe(Errno.Last)}");
        }
    }
}
