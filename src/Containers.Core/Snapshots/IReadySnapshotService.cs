namespace Containers.Snapshots;

/// <summary>
/// Lists, sizes and removes ready-state snapshots, the images fixtures built with
/// <c>ContainerBuilder.WithReadySnapshot()</c> start from. Snapshots are images named
/// <c>localhost/dotnet-containers-snapshot:&lt;key&gt;</c>, so image commands see them too.
/// </summary>
public interface IReadySnapshotService
{
    /// <summary>Lists the root's snapshots, newest first.</summary>
    Task<IReadOnlyList<ReadySnapshot>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes the snapshots whose key starts with <paramref name="keyPrefix"/> (at least 4 characters) and returns them.</summary>
    /// <exception cref="ReadySnapshotNotFoundException">No snapshot's key starts with <paramref name="keyPrefix"/>.</exception>
    /// <exception cref="Images.ImageInUseException">A container (a running fixture) uses the snapshot; remove it first.</exception>
    Task<IReadOnlyList<ReadySnapshot>> RemoveAsync(string keyPrefix, CancellationToken cancellationToken = default);

    /// <summary>Removes every snapshot no container uses, then the content only they held, and returns the removed snapshots.</summary>
    Task<IReadOnlyList<ReadySnapshot>> PruneAsync(CancellationToken cancellationToken = default);
}
