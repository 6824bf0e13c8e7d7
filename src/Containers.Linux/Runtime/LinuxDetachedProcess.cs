using Containers.Containers;
using Containers.Linux.Interop;

namespace Containers.Linux.Runtime;

/// <summary>A detached container waiting at its start barrier, and the monitor that is its parent.</summary>
internal sealed class LinuxDetachedProcess(int pid, ulong startTime, int monitorPid, ulong monitorStartTime, StartBarrier barrier, Task<int> monitorExit)
    : IDetachedRuntimeProcess
{
    public int Pid { get; } = pid;

    public ulong StartTime { get; } = startTime;

    public int MonitorPid { get; } = monitorPid;

    public ulong MonitorStartTime { get; } = monitorStartTime;

    public bool AppliesRestartPolicy { get; init; }

    public Task StartAsync(CancellationToken cancellationToken = default) => barrier.StartAsync(cancellationToken);

    public Task WaitForMonitorAsync(CancellationToken cancellationToken = default) => monitorExit.WaitAsync(cancellationToken);

    /// <summary>Releases the barrier's pipes; a container that never started is killed, one that started runs on.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!barrier.Started && !monitorExit.IsCompleted)
        {
            Libc.kill(Pid, Signals.Kill);
            await monitorExit.ConfigureAwait(false);
        }

        barrier.Dispose();
    }
}
