using Containers.Linux.Interop;

namespace Containers.Linux.Syscalls;

/// <summary>
/// The file-metadata calls the engine's own process makes on host paths: status, device nodes, ownership, mode, times and
/// extended attributes of a path itself, never of the target of its last symbolic link. Calls that can fail return 0 or
/// the errno.
/// </summary>
/// <remarks>
/// A syscall seam in youki's manner, passed in by the caller: <see cref="LinuxFileMetadataSyscalls"/> asks the kernel,
/// and tests pass a recording fake, so the logic above it (what is copied, in which order, what a failure says) runs
/// without root, next to the tests that run it against the real kernel.
/// </remarks>
internal interface IFileMetadataSyscalls
{
    /// <summary>lstat(2): the status of <paramref name="path"/> itself.</summary>
    int LinkStatus(string path, out Libc.FileStatus status);

    /// <summary>mknod(2): a device node or FIFO; <paramref name="mode"/> holds the file type and permission bits.</summary>
    int MakeNode(string path, int mode, ulong device);

    /// <summary>lchown(2).</summary>
    int ChangeOwner(string path, int uid, int gid);

    /// <summary>chmod(2), with the setuid, setgid and sticky bits.</summary>
    int ChangeMode(string path, int mode);

    /// <summary>utimensat(2) without following a link: sets the modification time and leaves the access time (UTIME_OMIT).</summary>
    int SetModificationTime(string path, long seconds, long nanoseconds);

    /// <summary>llistxattr(2): the names of the extended attributes; empty when there are none or they cannot be listed.</summary>
    IReadOnlyList<string> ListExtendedAttributes(string path);

    /// <summary>lgetxattr(2): the value of an extended attribute, or null when it cannot be read.</summary>
    byte[]? GetExtendedAttribute(string path, string name);

    /// <summary>lsetxattr(2).</summary>
    int SetExtendedAttribute(string path, string name, byte[] value);
}
