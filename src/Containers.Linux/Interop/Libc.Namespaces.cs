using System.Runtime.InteropServices;

namespace Containers.Linux.Interop;

/// <summary>The CLONE_NEW* flags that name a namespace type to clone(2), unshare(2) and setns(2), and setns itself.</summary>
internal static partial class Libc
{
    public const int CLONE_NEWNS = 0x00020000;
    public const int CLONE_NEWCGROUP = 0x02000000;
    public const int CLONE_NEWUTS = 0x04000000;
    public const int CLONE_NEWIPC = 0x08000000;
    public const int CLONE_NEWUSER = 0x10000000;
    public const int CLONE_NEWPID = 0x20000000;
    public const int CLONE_NEWNET = 0x40000000;

    /// <summary>setns(2): moves the calling thread into the namespace <paramref name="fd"/> refers to (of type <paramref name="type"/>, a CLONE_NEW* flag or 0).</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int setns(int fd, int type);
}
