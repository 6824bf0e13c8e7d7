using Containers.Containers;
using Containers.Linux.Interop;
using Containers.Linux.Native;

namespace Containers.Linux.Runtime;

/// <summary>A container process created by the native helper and waiting at its start barrier.</summary>
internal sealed class LinuxRuntimeProcess : IRuntimeProcess
{
    private readonly SpawnPlan _plan;
    private readonly Pipe _report;
    private readonly Pipe _start;
    private readonly Task<int> _exit;

    public LinuxRuntimeProcess(int pid, ulong startTime, SpawnPlan plan, Pipe report, Pipe start, Task<int> exit, Stream? stdin, Stream stdout, Stream stderr)
    {
        Pid = pid;
        StartTime = startTime;
        _plan = plan;
        _report = report;
        _start = start;
        _exit = exit;
        StandardInput = stdin;
        StandardOutput = stdout;
        StandardError = stderr;
    }

    public int Pid { get; }

    public ulong StartTime { get; }

    public Stream? StandardInput { get; }

    public Stream StandardOutput { get; }

    public Stream StandardError { get; }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        SignalStart();

        // End of file on the report pipe means execve succeeded (the pipe is close-on-exec).
        var report = await Task.Run(() => ChildReports.Read(_report.ReadFd), cancellationToken).ConfigureAwait(false);
        _report.Dispose();
        if (report is { } failure)
        {
            await _exit.ConfigureAwait(false);
            throw ChildReports.ToException(failure, _plan);
        }
    }

    private unsafe void SignalStart()
    {
        byte go = 1;
        Errno.Check((int)Libc.write(_start.WriteFd, &go, 1), "signalling the container to start");
        _start.CloseWrite();
    }

    public Task<int> WaitForExitAsync(CancellationToken cancellationToken = default) => _exit.WaitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (!_exit.IsCompleted)
        {
            Libc.kill(Pid, Signals.Kill);
            await _exit.ConfigureAwait(false);
        }

        _start.Dispose();
        _report.Dispose();
        if (StandardInput is not null)
        {
            await StandardInput.DisposeAsync().ConfigureAwait(false);
        }

        await StandardOutput.DisposeAsync().ConfigureAwait(false);
        await StandardError.DisposeAsync().ConfigureAwait(false);
    }
}
