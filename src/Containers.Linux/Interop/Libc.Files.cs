using System.Runtime.InteropServices;

namespace Containers.Linux.Interop;

/// <summary>The *at(2) file calls the layer applier uses; each works relative to a directory descriptor and never follows the last link.</summary>
internal static unsafe partial class Libc
{
    public const long SYS_openat2 = 437;
    public const ulong RESOLVE_NO_XDEV = 0x01;
    public const ulong RESOLVE_NO_MAGICLINKS = 0x02;
    public const ulong RESOLVE_NO_SYMLINKS = 0x04;
    public const ulong RESOLVE_BENEATH = 0x08;
    public const ulong RESOLVE_IN_ROOT = 0x10;

    public const int S_IFMT = 0xF000;
    public const int S_IFDIR = 0x4000;
    public const int S_IFCHR = 0x2000;
    public const int S_IFBLK = 0x6000;
    public const int S_IFREG = 0x8000;
    public const int S_IFIFO = 0x1000;
    public const int S_IFLNK = 0xA000;

    public const int UTIME_OMIT = (1 << 30) - 2;

    /// <summary>struct open_how for openat2(2).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    /// <summary>openat2(2): opens <paramref name="path"/> resolved under <paramref name="dirfd"/> as <paramref name="resolve"/> says.</summary>
    public static int openat2(int dirfd, string path, int flags, ulong resolve, int mode = 0)
    {
        var how = new OpenHow { Flags = (ulong)flags, Mode = (ulong)mode, Resolve = resolve };
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            return (int)syscall(SYS_openat2, dirfd, (long)p, (long)&how, sizeof(OpenHow));
        }
    }

    /// <summary>unlinkat(2).</summary>
    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int unlinkat(int dirfd, string path, int flags);

    /// <summary>symlinkat(2).</summary>
    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int symlinkat(string target, int dirfd, string path);

    /// <summary>linkat(2).</summary>
    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int linkat(int olddirfd, string oldpath, int newdirfd, string newpath, int flags);

    /// <summary>mknodat(2).</summary>
    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mknodat(int dirfd, string path, int mode, ulong dev);

    /// <summary>fchmod(2).</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int fchmod(int fd, int mode);

    /// <summary>fchown(2).</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int fchown(int fd, int uid, int gid);

    /// <summary>utimensat(2); <paramref name="times"/> points at two timespecs (access, modification).</summary>
    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int utimensat(int dirfd, string path, long* times, int flags);

    /// <summary>fsetxattr(2).</summary>
    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int fsetxattr(int fd, string name, byte* value, nint size, int flags);

    /// <summary>setxattr(2); used on <c>/proc/self/fd/N</c>, whose magic link leads to exactly the inode the descriptor holds.</summary>
    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int setxattr(string path, string name, byte* value, nint size, int flags);

    /// <summary>lsetxattr(2), for symbolic links, which cannot be opened.</summary>
    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lsetxattr(string path, string name, byte* value, nint size, int flags);

    /// <summary>fstatat(2) reduced to the file type bits; returns -1 with errno on failure.</summary>
    public static int FileType(int dirfd, string path)
    {
        var buffer = stackalloc byte[256];
        return fstatat(dirfd, path, buffer, AT_SYMLINK_NOFOLLOW) < 0 ? -1 : *(int*)(buffer + 24) & S_IFMT;
    }

    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int fstatat(int dirfd, string path, byte* stat, int flags);

    /// <summary>stat(2) reduced to the device and inode numbers, following symbolic links (namespace files, for example).</summary>
    public static (ulong Device, ulong Inode)? Stat(string path)
    {
        var buffer = stackalloc byte[256];
        return fstatat(AT_FDCWD, path, buffer, 0) < 0 ? null : (*(ulong*)buffer, *(ulong*)(buffer + 8));
    }

    /// <summary>lstat(2) reduced to the file type bits and the device number (st_rdev).</summary>
    public static (int Type, ulong Device)? StatNoFollow(string path)
    {
        var buffer = stackalloc byte[256];
        return fstatat(AT_FDCWD, path, buffer, AT_SYMLINK_NOFOLLOW) < 0 ? null : (*(int*)(buffer + 24) & S_IFMT, *(ulong*)(buffer + 40));
    }

    /// <summary>lgetxattr(2): the value's length, or -1 with errno (ENODATA when the attribute is absent).</summary>
    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint lgetxattr(string path, string name, byte* value, nint size);

    /// <summary>makedev(3).</summary>
    public static ulong MakeDevice(long major, long minor) =>
        ((ulong)(minor & 0xff)) | ((ulong)(major & 0xfff) << 8) | ((ulong)(minor & ~0xffL) << 12) | ((ulong)(major & ~0xfffL) << 32);

    /// <summary>fstatat(2) without following a final link: mode (type and permissions), owner and modification time (x86-64 layout).</summary>
    public static (int Mode, int Uid, int Gid, long Seconds, long Nanoseconds)? StatAt(int dirfd, string path)
    {
        var b = stackalloc byte[256];
        return fstatat(dirfd, path, b, AT_SYMLINK_NOFOLLOW) < 0 ? null : (*(int*)(b + 24), *(int*)(b + 28), *(int*)(b + 32), *(long*)(b + 88), *(long*)(b + 96));
    }
}
