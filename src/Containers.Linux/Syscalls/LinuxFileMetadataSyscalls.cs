using Containers.Linux.Interop;

namespace Containers.Linux.Syscalls;

/// <summary>The <see cref="IFileMetadataSyscalls"/> of the running kernel, through <see cref="Libc"/>.</summary>
internal sealed unsafe class LinuxFileMetadataSyscalls : IFileMetadataSyscalls
{
    public int LinkStatus(string path, out Libc.FileStatus status)
    {
        var found = Libc.LinkStatus(path);
        status = found ?? default;
        return found is null ? Errno.Last : 0;
    }

    public int MakeNode(string path, int mode, ulong device) => Result(Libc.mknodat(Libc.AT_FDCWD, path, mode, device));

    public int ChangeOwner(string path, int uid, int gid) => Result(Libc.lchown(path, uid, gid));

    public int ChangeMode(string path, int mode) => Result(Libc.chmod(path, mode));

    public int SetModificationTime(string path, long seconds, long nanoseconds)
    {
        var times = stackalloc long[4] { 0, Libc.UTIME_OMIT, seconds, nanoseconds };
        return Result(Libc.utimensat(Libc.AT_FDCWD, path, times, Libc.AT_SYMLINK_NOFOLLOW));
    }

    public IReadOnlyList<string> ListExtendedAttributes(string path)
    {
        var size = Libc.llistxattr(path, null, 0);
        if (size <= 0)
        {
            return [];
        }

        var names = new byte[size];
        fixed (byte* list = names)
        {
            size = Libc.llistxattr(path, list, size);
        }

        return System.Text.Encoding.UTF8.GetString(names, 0, (int)Math.Max(size, 0)).Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }

    public byte[]? GetExtendedAttribute(string path, string name)
    {
        var length = Libc.lgetxattr(path, name, null, 0);
        if (length < 0)
        {
            return null;
        }

        var value = new byte[Math.Max(length, 1)];
        fixed (byte* buffer = value)
        {
            length = Libc.lgetxattr(path, name, buffer, value.Length);
        }

        return length < 0 ? null : value[..(int)length];
    }

    public int SetExtendedAttribute(string path, string name, byte[] value)
    {
        // Never a null pointer, even for an empty value: to some file systems a null value means "remove the attribute".
        var buffer = value.Length == 0 ? new byte[1] : value;
        fixed (byte* p = buffer)
        {
            return Result(Libc.lsetxattr(path, name, p, value.Length, 0));
        }
    }

    private static int Result(int result) => result < 0 ? Errno.Last : 0;
}
