using System.Runtime.InteropServices;

namespace Containers.Linux.Interop;

/// <summary>The pseudo-terminal ioctls: unlocking a new terminal's replica and reading its number.</summary>
internal static unsafe partial class Libc
{
    public const ulong TIOCSPTLCK = 0x40045431;
    public const ulong TIOCGPTN = 0x80045430;

    /// <summary>ioctl(2) with an int argument.</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int ioctl(int fd, ulong request, int* argument);
}
