namespace Containers.Containers;

/// <summary>A detached container's process, created under its monitor and waiting at its start barrier.</summary>
public interface IDetachedRuntimeProcess : IAsyncDisposable
{
    /// <summary>Gets the container's process ID on the host.</summary>
    int Pid { get; }

    /// <summary>Gets the container process's start time (clock ticks since boot).</summary>
    ulong StartTime { get; }

    /// <summary>Gets the monitor's process ID on the host.</summary>
    int MonitorPid { get; }

    /// <summary>Gets the monitor's start time (clock ticks since boot).</summary>
    ulong MonitorStartTime { get; }

    /// <summary>Lets the container execute its program.</summary>
    /// <exception cref="ContainerCommandException">The program could not be executed.</exception>
    Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits until the monitor exits, which it does once it recorded the container's exit code.</summary>
    Task WaitForMonitorAsync(CancellationToken cancellationToken = default);

    /// <summary>Gets a value indicating whether the monitor applies <see cref="DetachedOutput.Restart"/>; when not, the caller may.</summary>
    bool AppliesRestartPolicy => false;
}

/// <summary>Where a detached container's monitor writes, and where its standard input comes from.</summary>
/// <param name="LogPath">The log file, appended as JSON lines (<c>log</c>, <c>stream</c>, <c>time</c>).</param>
/// <param name="ExitPath">The file that receives the exit code (128 + signal when killed) once the container exited.</param>
/// <param name="StdinPath">
/// A FIFO the runtime creates and the container reads as its standard input, which any process may open for writing
/// (<c>attach</c>); it never reaches end of file, as Docker's <c>-d -i</c>. Null for <c>/dev/null</c>.
/// </param>
/// <param name="Rotation">How the log rotates; <see cref="LogRotation.Default"/> when null.</param>
public sealed record DetachedOutput(string LogPath, string ExitPath, string? StdinPath = null, LogRotation? Rotation = null)
{
    /// <summary>Gets the health check the monitor runs while the container runs, or null for none.</summary>
    public DetachedHealthCheck? HealthCheck { get; init; }

    /// <summary>Gets the restart policy the monitor applies after the container's process exits, or null for none.</summary>
    public DetachedRestart? Restart { get; init; }
}
