namespace Containers.Linux.Interop;

/// <summary>What tells whether a file changed at all: its inode and change time, which every write, chmod, chown or rename moves.</summary>
internal static unsafe partial class Libc
{
    /// <summary>lstat(2) reduced to the inode and st_ctim (x86-64 layout): equal values mean the file was not touched.</summary>
    public static (ulong Inode, long Seconds, long Nanoseconds)? ChangeStatus(string path)
    {
        var b = stackalloc byte[256];
        return fstatat(AT_FDCWD, path, b, AT_SYMLINK_NOFOLLOW) < 0 ? null : (*(ulong*)(b + 8), *(long*)(b + 104), *(long*)(b + 112));
    }
}
