using Containers.Linux.Interop;
using Microsoft.Win32.SafeHandles;

namespace Containers.Linux.Native;

/// <summary>Owns both ends of a close-on-exec pipe; either end can be closed or handed off as a stream.</summary>
internal sealed unsafe class Pipe : IDisposable
{
    private Pipe(int read, int write)
    {
        ReadFd = read;
        WriteFd = write;
    }

    public int ReadFd { get; private set; }

    public int WriteFd { get; private set; }

    public static Pipe Create()
    {
        var fds = stackalloc int[2];
        Errno.Check(Libc.pipe2(fds, Libc.O_CLOEXEC), "pipe2");
        return new Pipe(fds[0], fds[1]);
    }

    public void CloseRead() => Close(ReadFd, () => ReadFd = -1);

    public void CloseWrite() => Close(WriteFd, () => WriteFd = -1);

    /// <summary>Gives the read end away as a stream (which then owns it) whose asynchronous reads hold no thread-pool thread.</summary>
    public Stream TakeReader()
    {
        var stream = new PipeReadStream(ReadFd);
        ReadFd = -1;
        return stream;
    }

    /// <summary>Gives the write end away as a stream (which then owns it).</summary>
    public FileStream TakeWriter()
    {
        var stream = new FileStream(new SafeFileHandle(WriteFd, ownsHandle: true), FileAccess.Write, 1);
        WriteFd = -1;
        return stream;
    }

    public void Dispose()
    {
        CloseRead();
        CloseWrite();
    }

    private static void Close(int fd, Action clear)
    {
        if (fd >= 0)
        {
            Libc.close(fd);
            clear();
        }
    }
}
