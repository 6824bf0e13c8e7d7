namespace Containers.Snapshots;

/// <summary>
/// Is thrown when a ready-state snapshot cannot be taken because the service did not exit cleanly on its stop signal
/// (it was killed after the stop timeout, exited non-zero, or ran out of memory): its state may be inconsistent, so
/// nothing is recorded. Make the service exit 0 on its stop signal (or set the right one with <c>STOPSIGNAL</c>),
/// raise the stop timeout, or start the fixture without a snapshot.
/// </summary>
public sealed class ReadySnapshotException : ContainersException
{
    /// <summary>Initializes a new instance for a service that did not stop cleanly.</summary>
    public ReadySnapshotException(string containerId, string image, int exitCode, string reason)
        : base($"no ready-state snapshot of '{image}' was taken: the service {reason} (exit code {exitCode}); a snapshot is only taken after a clean exit on the stop signal. Make it exit 0 on its stop signal, raise ReadySnapshotOptions.StopTimeout, or drop WithReadySnapshot()")
    {
        ContainerId = containerId;
        Image = image;
        ExitCode = exitCode;
    }

    /// <summary>Gets the ID of the container that did not stop cleanly (removed by now).</summary>
    public string ContainerId { get; }

    /// <summary>Gets the image the snapshot was to be taken of.</summary>
    public string Image { get; }

    /// <summary>Gets the service's exit code (137 when it was killed).</summary>
    public int ExitCode { get; }
}
