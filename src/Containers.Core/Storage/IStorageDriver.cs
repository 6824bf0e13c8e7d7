namespace Containers.Storage;

/// <summary>
/// Keeps file system snapshots the way containerd's snapshotters do: committed, read-only snapshots keyed by chain ID,
/// and active (writable) or view (read-only) snapshots on top of them, handed out as mounts.
/// </summary>
/// <remarks>
/// <para>Lifecycle, with keys chosen by the caller:</para>
/// <list type="bullet">
/// <item><see cref="PrepareAsync"/> creates an active snapshot on a committed parent (or on nothing) and returns its mounts;
/// the caller mounts them, writes, unmounts.</item>
/// <item><see cref="CommitAsync"/> turns an active snapshot into a committed one named by a chain ID, which becomes a
/// possible parent; the active key is gone afterwards.</item>
/// <item><see cref="ViewAsync"/> creates a read-only snapshot of a committed one, to look inside.</item>
/// <item><see cref="RemoveAsync"/> deletes a snapshot; a committed one only when no other snapshot has it as parent.</item>
/// <item>Active and view snapshots are never parents; committed snapshots never change. A key names one snapshot at a
/// time: preparing or viewing a key in use fails, and a removed key may be used again.</item>
/// </list>
/// <para>
/// Keys are chain IDs (<c>sha256:…</c>) or names of letters, digits, <c>_</c>, <c>.</c> and <c>-</c>. Processes sharing
/// a store share its snapshots. Implementations: <c>overlay</c> (layers shared through overlayfs) and <c>vfs</c>
/// (full copies, any file system).
/// </para>
/// </remarks>
public interface IStorageDriver
{
    /// <summary>Gets the driver's name: <c>overlay</c> or <c>vfs</c>.</summary>
    string Name { get; }

    /// <summary>Creates a writable snapshot <paramref name="key"/> on top of the committed snapshot <paramref name="parent"/>.</summary>
    /// <returns>The mounts that, applied in order on one target, show the snapshot.</returns>
    /// <exception cref="SnapshotNotFoundException">The parent is not a committed snapshot.</exception>
    /// <exception cref="InvalidOperationException">A snapshot named <paramref name="key"/> exists already.</exception>
    Task<IReadOnlyList<StorageMount>> PrepareAsync(string key, string? parent, CancellationToken cancellationToken = default);

    /// <summary>Creates a read-only snapshot <paramref name="key"/> of the committed snapshot <paramref name="parent"/>.</summary>
    /// <returns>The mounts that show the snapshot, read-only.</returns>
    /// <exception cref="SnapshotNotFoundException">The parent is not a committed snapshot.</exception>
    /// <exception cref="InvalidOperationException">A snapshot named <paramref name="key"/> exists already.</exception>
    Task<IReadOnlyList<StorageMount>> ViewAsync(string key, string? parent, CancellationToken cancellationToken = default);

    /// <summary>Commits the active snapshot <paramref name="key"/> as the read-only snapshot <paramref name="name"/>; unmount it first.</summary>
    /// <exception cref="SnapshotNotFoundException"><paramref name="key"/> is not an active snapshot.</exception>
    /// <exception cref="InvalidOperationException">A committed snapshot named <paramref name="name"/> exists already.</exception>
    Task CommitAsync(string name, string key, CancellationToken cancellationToken = default);

    /// <summary>Returns the mounts of an active or view snapshot (again).</summary>
    /// <exception cref="SnapshotNotFoundException">No active or view snapshot has this key.</exception>
    Task<IReadOnlyList<StorageMount>> MountsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes a snapshot; does nothing when it does not exist.</summary>
    /// <exception cref="InvalidOperationException">The snapshot is the parent of another one: remove that first.</exception>
    Task RemoveAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Describes the snapshot <paramref name="key"/>: its kind and its parent.</summary>
    /// <exception cref="SnapshotNotFoundException">No snapshot has this key.</exception>
    Task<SnapshotInfo> StatAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Measures the space a snapshot's own directory takes: overlay counts its layer alone, vfs its full copy.</summary>
    /// <exception cref="SnapshotNotFoundException">No snapshot has this key.</exception>
    Task<SnapshotUsage> UsageAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Lists every snapshot of the store.</summary>
    IAsyncEnumerable<SnapshotInfo> WalkAsync(CancellationToken cancellationToken = default);
}
