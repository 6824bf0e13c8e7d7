using System.Globalization;
using Containers.Containers;

namespace Containers.Core.Tests.Containers.Fakes;

/// <summary>
/// A detached container: a <see cref="FakeRuntimeProcess"/> and a fake monitor that, as <c>containers-monitor</c> does,
/// writes the container's output to the log file and its exit code to the exit file, then exits.
/// </summary>
public sealed class FakeDetachedProcess : IDetachedRuntimeProcess
{
    private readonly TaskCompletionSource _monitorExit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal FakeDetachedProcess(FakeRuntimeProcess container, int monitorPid, ulong monitorStartTime, DetachedOutput output)
    {
        Container = container;
        MonitorPid = monitorPid;
        MonitorStartTime = monitorStartTime;
        Output = output;
        _ = MonitorAsync();
    }

    /// <summary>Gets the container's process.</summary>
    public FakeRuntimeProcess Container { get; }

    /// <summary>Gets where the monitor writes.</summary>
    public DetachedOutput Output { get; }

    /// <summary>Gets a value indicating whether the monitor still runs.</summary>
    public bool MonitorAlive => !_monitorExit.Task.IsCompleted;

    public int Pid => Container.Pid;

    public ulong StartTime => Container.StartTime;

    public int MonitorPid { get; }

    public ulong MonitorStartTime { get; }

    public Task StartAsync(CancellationToken cancellationToken = default) => Container.StartAsync(cancellationToken);

    public Task WaitForMonitorAsync(CancellationToken cancellationToken = default) => _monitorExit.Task.WaitAsync(cancellationToken);

    /// <summary>As the real one: a container that never started is killed, one that started runs on without its caller.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!Container.Started)
        {
            await Container.DisposeAsync().ConfigureAwait(false);
            await _monitorExit.Task.ConfigureAwait(false);
        }
    }

    private async Task MonitorAsync()
    {
        try
        {
            // The engine's own log writer, so the format is the one the engine reads (the C monitor's is tested against it elsewhere).
            var log = new ContainerLogWriter(Output.LogPath, Output.Rotation);
            await using (log.ConfigureAwait(false))
            {
                await Task.WhenAll(log.PumpAsync(Container.StandardOutput, LogStream.Stdout), log.PumpAsync(Container.StandardError, LogStream.Stderr)).ConfigureAwait(false);
            }

            var code = await Container.Exited.ConfigureAwait(false);

            // Written aside and renamed, as the monitor does, so a reader never sees half a number.
            var temporary = Output.ExitPath + ".tmp";
            await File.WriteAllTextAsync(temporary, code.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
            File.Move(temporary, Output.ExitPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The container's directory was removed under it: nobody reads the exit code any more.
        }
        finally
        {
            _monitorExit.TrySetResult();
        }
    }
}
