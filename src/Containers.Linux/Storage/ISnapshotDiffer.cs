using Containers.Storage;

namespace Containers.Linux.Storage;

/// <summary>Tells an active snapshot's changes against its parent, for a storage driver that can (containerd's differ).</summary>
internal interface ISnapshotDiffer
{
    /// <summary>Writes the changes of the active snapshot <paramref name="key"/> as an uncompressed layer tar, with whiteouts for deletions.</summary>
    /// <exception cref="SnapshotNotFoundException">No active snapshot has this key.</exception>
    Task WriteDiffAsync(string key, Stream destination, CancellationToken cancellationToken = default);
}
