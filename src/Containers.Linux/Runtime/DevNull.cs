using Containers.Linux.Interop;

namespace Containers.Linux.Runtime;

/// <summary>An open <c>/dev/null</c> (close-on-exec), for a container's standard input when nobody writes it.</summary>
internal sealed class DevNull : IDisposable
{
    private DevNull(int fd) => Fd = fd;

    public int Fd { get; private set; }

    public static DevNull Open() => new(Errno.Check(Libc.open("/dev/null", Libc.O_RDWR | Libc.O_CLOEXEC, 0), "opening /dev/null"));

    public void Dispose()
    {
        if (Fd >= 0)
        {
            Libc.close(Fd);
            Fd = -1;
        }
    }
}
