using System.Runtime.InteropServices;

namespace Containers.Linux.Interop;

/// <summary>The new mount API (fsopen, fsconfig, fsmount, move_mount), which has no one-page limit on options.</summary>
internal static unsafe partial class Libc
{
    private const long SysMoveMount = 429;
    private const long SysFsopen = 430;
    private const long SysFsconfig = 431;
    private const long SysFsmount = 432;

    public const int FSCONFIG_SET_STRING = 1;
    public const int FSCONFIG_CMD_CREATE = 6;

    /// <summary>fsopen(2) with FSOPEN_CLOEXEC.</summary>
    public static int fsopen(string fsType) => (int)SyscallWithString(SysFsopen, fsType, 1, 0, 0);

    /// <summary>fsconfig(2) setting a string parameter.</summary>
    public static int fsconfigString(int fd, string key, string value)
    {
        var keyBytes = System.Text.Encoding.UTF8.GetBytes(key + "\0");
        var valueBytes = System.Text.Encoding.UTF8.GetBytes(value + "\0");
        fixed (byte* k = keyBytes)
        fixed (byte* v = valueBytes)
        {
            return (int)syscall5(SysFsconfig, fd, FSCONFIG_SET_STRING, (long)k, (long)v, 0);
        }
    }

    /// <summary>fsconfig(2) with FSCONFIG_CMD_CREATE.</summary>
    public static int fsconfigCreate(int fd) => (int)syscall5(SysFsconfig, fd, FSCONFIG_CMD_CREATE, 0, 0, 0);

    /// <summary>fsmount(2) with FSMOUNT_CLOEXEC.</summary>
    public static int fsmount(int fd) => (int)syscall(SysFsmount, fd, 1, 0, 0);

    /// <summary>move_mount(2) of a detached mount (MOVE_MOUNT_F_EMPTY_PATH) onto a path.</summary>
    public static int moveMount(int mountFd, string target)
    {
        var empty = (byte)0;
        var targetBytes = System.Text.Encoding.UTF8.GetBytes(target + "\0");
        fixed (byte* t = targetBytes)
        {
            return (int)syscall5(SysMoveMount, mountFd, (long)&empty, AT_FDCWD, (long)t, 4);
        }
    }

    private static long SyscallWithString(long number, string value, long a1, long a2, long a3)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(value + "\0");
        fixed (byte* p = bytes)
        {
            return syscall(number, (long)p, a1, a2, a3);
        }
    }

    [LibraryImport(Library, EntryPoint = "syscall", SetLastError = true)]
    private static partial long syscall5(long number, long a0, long a1, long a2, long a3, long a4);
}
