using Containers.Linux.Interop;
using Containers.Linux.Native;

namespace Containers.Linux.Runtime;

/// <summary>
/// The parent's side of a created child's last step: one byte on the start pipe lets it execve; the close-on-exec
/// report pipe then ends without a report when execve succeeded, or carries the error.
/// </summary>
internal sealed class StartBarrier(SpawnPlan plan, Pipe report, Pipe start, Task exited) : IDisposable
{
    public bool Started { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        SignalStart();
        Started = true;
        // Read on this thread (the pipe ends at execve, within milliseconds) rather than hopping to another pool thread.
        cancellationToken.ThrowIfCancellationRequested();
        var failure = ChildReports.Read(report.ReadFd);
        report.Dispose();
        if (failure is { } error)
        {
            await exited.ConfigureAwait(false);
            throw ChildReports.ToException(error, plan);
        }
    }

    private unsafe void SignalStart()
    {
        byte go = 1;
        Errno.Check((int)Libc.write(start.WriteFd, &go, 1), "signalling the container to start");
        start.CloseWrite();
    }

    public void Dispose()
    {
        start.Dispose();
        report.Dispose();
    }
}
