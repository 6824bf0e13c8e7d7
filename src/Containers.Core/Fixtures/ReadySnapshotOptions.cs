namespace Containers.Fixtures;

/// <summary>Configures how <see cref="ContainerBuilder.WithReadySnapshot"/> takes a ready-state snapshot.</summary>
public sealed record ReadySnapshotOptions
{
    /// <summary>
    /// Gets how long the service may take to exit on its stop signal once it was ready. A service still running then
    /// is killed and no snapshot is taken. The default is 30 seconds.
    /// </summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
