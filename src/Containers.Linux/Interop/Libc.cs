using System.Runtime.InteropServices;

namespace Containers.Linux.Interop;

/// <summary>Declares the libc functions the Linux components call directly; errors come back through <see cref="Errno"/>.</summary>
internal static unsafe partial class Libc
{
    private const string Library = "libc";

    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;
    public const int O_NOCTTY = 0x100;
    public const int O_TRUNC = 0x200;
    public const int O_NONBLOCK = 0x800;
    public const int O_DIRECTORY = 0x10000;
    public const int O_NOFOLLOW = 0x20000;
    public const int O_CLOEXEC = 0x80000;
    public const int O_PATH = 0x200000;

    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const int AT_REMOVEDIR = 0x200;
    public const int AT_EMPTY_PATH = 0x1000;

    /// <summary>pipe2(2): a pipe whose both ends are close-on-exec when <paramref name="flags"/> has O_CLOEXEC.</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    /// <summary>close(2).</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int close(int fd);

    /// <summary>read(2).</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial nint read(int fd, void* buffer, nint count);

    /// <summary>write(2).</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial nint write(int fd, void* buffer, nint count);

    /// <summary>open(2).</summary>
    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, int mode);

    /// <summary>kill(2).</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int kill(int pid, int signal);

    /// <summary>mount(2).</summary>
    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mount(string? source, string target, string? fstype, ulong flags, string? data);

    /// <summary>umount2(2).</summary>
    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int umount2(string target, int flags);

    /// <summary>syscall(2), for calls glibc 2.36 has no wrapper for (openat2, pidfd_open, pidfd_send_signal).</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial long syscall(long number, long a0, long a1, long a2, long a3);

    /// <summary>mkdirat(2).</summary>
    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mkdirat(int dirfd, string path, int mode);

    /// <summary>openat(2).</summary>
    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int openat(int dirfd, string path, int flags, int mode);

    /// <summary>fchownat(2).</summary>
    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int fchownat(int dirfd, string path, int uid, int gid, int flags);

    /// <summary>getpid(2).</summary>
    [LibraryImport(Library)]
    public static partial int getpid();

    /// <summary>getuid(2).</summary>
    [LibraryImport(Library)]
    public static partial uint geteuid();
}
