using System.Runtime.InteropServices;

namespace Containers.Linux.Interop;

/// <summary>The socket calls of netlink (rtnetlink, nfnetlink) and of passing a descriptor over a Unix socket (SCM_RIGHTS).</summary>
internal static unsafe partial class Libc
{
    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>socket(2).</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int socket(int domain, int type, int protocol);

    /// <summary>bind(2).</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int bind(int fd, byte* address, int length);

    /// <summary>setsockopt(2) with an int value.</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial int setsockopt(int fd, int level, int option, int* value, int length);

    /// <summary>send(2).</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial nint send(int fd, byte* buffer, nint length, int flags);

    /// <summary>recv(2).</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial nint recv(int fd, byte* buffer, nint length, int flags);

    /// <summary>sendmsg(2).</summary>
    [LibraryImport(Library, SetLastError = true)]
    public static partial nint sendmsg(int fd, MessageHeader* message, int flags);

    /// <summary>if_nametoindex(3): the index of a network interface in the calling thread's namespace, or 0.</summary>
    [LibraryImport(Library, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial uint if_nametoindex(string name);
}
