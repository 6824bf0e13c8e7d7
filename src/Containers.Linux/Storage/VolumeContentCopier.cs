using Containers.Linux.Interop;
using Containers.Linux.Syscalls;
using Containers.Volumes;

namespace Containers.Linux.Storage;

/// <summary>
/// Copies an image directory into an empty volume as Docker does on first mount: ownership, modes (setuid included),
/// extended attributes, modification times, symbolic links (as links) and device nodes are kept.
/// </summary>
/// <remarks>
/// Hard links become separate copies. Nothing is followed: a link in the image is copied as a link. Metadata goes
/// through <see cref="IFileMetadataSyscalls"/>, so the copy's rules are tested without root against a fake.
/// </remarks>
internal sealed class VolumeContentCopier(IFileMetadataSyscalls syscalls) : IVolumeContentCopier
{
    public void Copy(string source, string destination) => CopyTree(source, destination);

    private void CopyTree(string source, string destination)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(source))
        {
            CopyEntry(entry, Path.Combine(destination, Path.GetFileName(entry)));
        }

        CopyAttributes(source, destination, Status(source));
    }

    private void CopyEntry(string source, string destination)
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
                Check(syscalls.MakeNode(destination, status.Mode & (Libc.S_IFMT | 0xFFF), status.Device), "creating", destination);
                break;
            default:
                return; // sockets belong to a process, not to the image
        }

        CopyAttributes(source, destination, status);
    }

    private void CopyAttributes(string source, string destination, Libc.FileStatus status)
    {
        // Ownership first: chown clears setuid and setgid bits, so the mode goes after it.
        Check(syscalls.ChangeOwner(destination, status.Uid, status.Gid), "changing the owner of", destination);
        var isLink = (status.Mode & Libc.S_IFMT) == Libc.S_IFLNK;
        if (!isLink)
        {
            Check(syscalls.ChangeMode(destination, status.Mode & 0xFFF), "changing the mode of", destination);
        }

        CopyExtendedAttributes(source, destination);
        Check(syscalls.SetModificationTime(destination, status.MtimeSeconds, status.MtimeNanoseconds), "setting the times of", destination);
    }

    private void CopyExtendedAttributes(string source, string destination)
    {
        foreach (var name in syscalls.ListExtendedAttributes(source))
        {
            // overlayfs keeps its own bookkeeping in trusted.overlay.*; it is not the image's.
            if (name.StartsWith("trusted.overlay.", StringComparison.Ordinal))
            {
                continue;
            }

            if (syscalls.GetExtendedAttribute(source, name) is { } value)
            {
                Check(syscalls.SetExtendedAttribute(destination, name, value), $"setting {name} on", destination);
            }
        }
    }

    private Libc.FileStatus Status(string path)
    {
        var errno = syscalls.LinkStatus(path, out var status);
        return errno == 0 ? status : throw new IOException($"cannot read the status of {path}: {Errno.Describe(errno)}");
    }

    private static void Check(int errno, string what, string path)
    {
        if (errno != 0)
        {
            throw new IOException($"{what} {path} failed while filling a volume from the image: {Errno.Describe(errno)}");
        }
    }
}
