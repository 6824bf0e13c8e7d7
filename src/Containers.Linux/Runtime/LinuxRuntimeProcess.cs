using Containers.Containers;
using Containers.Linux.Interop;

namespace Containers.Linux.Runtime;

/// <summary>A container process created by the native helper and waiting at its start barrier.</summary>
internal sealed class LinuxRuntimeProcess : IRuntimeProcess
{
    private readonly StartBarrier _barrier;
    private readonly Task<int> _exit;

    public LinuxRuntimeProcess(int pid, ulong startTime, StartBarrier barrier, Task<int> exit, Stream? stdin, Stream stdout, Stream stderr)
    {
        Pid = pid;
        StartTime = startTime;
        _barrier = barrier;
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

    public Task StartAsync(CancellationToken cancellationToken = default) => _barrier.StartAsync(cancellationToken);

    public Task<int> WaitForExitAsync(CancellationToken cancellationToken = default) => _exit.WaitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (!_exit.IsCompleted)
        {
            Libc.kill(Pid, Signals.Kill);
            await _exit.ConfigureAwait(false);
        }

        _barrier.Dispose();
        if (StandardInput is not null)
        {
            await StandardInput.DisposeAsync().ConfigureAwait(false);
        }

        await StandardOutput.DisposeAsync().ConfigureAwait(false);
        await StandardError.DisposeAsync().ConfigureAwait(false);
    }
}
