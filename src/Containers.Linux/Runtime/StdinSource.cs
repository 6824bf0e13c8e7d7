using Containers.Linux.Interop;

namespace Containers.Linux.Runtime;

/// <summary>
/// A container's standard input when the caller does not write it: an open <c>/dev/null</c>, or a FIFO that other
/// processes write (a detached container's attach); close-on-exec either way.
/// </summary>
internal sealed class StdinSource : IDisposable
{
    private StdinSource(int fd) => Fd = fd;

    public int Fd { get; private set; }

    public static StdinSource OpenDevNull() => new(Errno.Check(Libc.open("/dev/null", Libc.O_RDWR | Libc.O_CLOEXEC, 0), "opening /dev/null"));

    /// <summary>Creates the FIFO at <paramref name="path"/> if needed and opens it read-write, so opening it for writing never blocks and its reader never sees end of file.</summary>
    public static StdinSource OpenFifo(string path)
    {
        if (Libc.mknodat(Libc.AT_FDCWD, path, 0x1000 | 0x180, 0) < 0 && Errno.Last != Errno.EEXIST)
        {
            Errno.Check(-1, $"creating the FIFO {path}");
        }

        return new(Errno.Check(Libc.open(path, Libc.O_RDWR | Libc.O_CLOEXEC, 0), $"opening the FIFO {path}"));
    }

    public void Dispose()
    {
        if (Fd >= 0)
        {
            Libc.close(Fd);
            Fd = -1;
        }
    }
}
