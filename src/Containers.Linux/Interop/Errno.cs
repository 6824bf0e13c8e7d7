using System.Runtime.InteropServices;

namespace Containers.Linux.Interop;

/// <summary>Names errno values and turns them into the symbols users recognise (<c>EPERM</c>) and messages.</summary>
internal static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EAGAIN = 11;
    public const int EACCES = 13;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int ENODEV = 19;
    public const int ENOTDIR = 20;
    public const int EINVAL = 22;
    public const int ENOSYS = 38;
    public const int ELOOP = 40;
    public const int EXDEV = 18;
    public const int EOPNOTSUPP = 95;

    private static readonly Dictionary<int, string> Names = new()
    {
        [1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR", [5] = "EIO", [7] = "E2BIG", [8] = "ENOEXEC", [9] = "EBADF",
        [11] = "EAGAIN", [12] = "ENOMEM", [13] = "EACCES", [14] = "EFAULT", [16] = "EBUSY", [17] = "EEXIST", [18] = "EXDEV",
        [19] = "ENODEV", [20] = "ENOTDIR", [21] = "EISDIR", [22] = "EINVAL", [24] = "EMFILE", [26] = "ETXTBSY", [28] = "ENOSPC",
        [30] = "EROFS", [36] = "ENAMETOOLONG", [38] = "ENOSYS", [40] = "ELOOP", [95] = "EOPNOTSUPP",
    };

    /// <summary>Gets the errno of the last P/Invoke marked <c>SetLastError</c>.</summary>
    public static int Last => Marshal.GetLastPInvokeError();

    /// <summary>Returns <c>EPERM</c>-style names, or the number for unusual values.</summary>
    public static string Name(int errno) => Names.TryGetValue(errno, out var name) ? name : "errno " + errno;

    /// <summary>Returns "EPERM (Operation not permitted)".</summary>
    public static string Describe(int errno) => $"{Name(errno)} ({Marshal.GetPInvokeErrorMessage(errno)})";

    /// <summary>Throws an <see cref="IOException"/> naming the failed operation when <paramref name="result"/> is negative.</summary>
    public static int Check(int result, string operation)
    {
        if (result < 0)
        {
            var errno = Last;
            throw new IOException($"{operation} failed: {Describe(errno)}", errno);
        }

        return result;
    }
}
