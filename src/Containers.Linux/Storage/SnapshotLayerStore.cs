using Containers.Images;
using Containers.Storage;

namespace Containers.Linux.Storage;

/// <summary>
/// Prunes and measures the committed snapshots of a storage driver that imports layers through the driver (vfs), so
/// removing an image frees its layers; a layer that a container or a view still sits on stays.
/// </summary>
internal sealed class SnapshotLayerStore(IStorageDriver driver) : ILayerStore
{
    public async Task<long> PruneAsync(IReadOnlySet<Digest> keep, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var snapshots = await driver.WalkAsync(cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        var parents = snapshots.ToDictionary(s => s.Key, s => s.Parent, StringComparer.Ordinal);
        long freed = 0;

        // Children before parents: a parent is removable only once nothing sits on it.
        foreach (var layer in snapshots.Where(s => s.Kind == SnapshotKind.Committed && !keep.Contains(Digest.Parse(s.Key))).OrderByDescending(s => Depth(s.Key, parents)))
        {
            try
            {
                var usage = await driver.UsageAsync(layer.Key, cancellationToken).ConfigureAwait(false);
                await driver.RemoveAsync(layer.Key, cancellationToken).ConfigureAwait(false);
                freed += usage.Size;
            }
            catch (InvalidOperationException)
            {
                // A container, a view or a kept layer sits on it.
            }
            catch (SnapshotNotFoundException)
            {
                // Another process removed it meanwhile.
            }
        }

        return freed;
    }

    public async Task<LayerUsage> GetUsageAsync(CancellationToken cancellationToken = default)
    {
        var count = 0;
        long size = 0;
        await foreach (var snapshot in driver.WalkAsync(cancellationToken).Where(s => s.Kind == SnapshotKind.Committed).ConfigureAwait(false))
        {
            count++;
            size += (await driver.UsageAsync(snapshot.Key, cancellationToken).ConfigureAwait(false)).Size;
        }

        return new LayerUsage(count, size);
    }

    private static int Depth(string key, Dictionary<string, string?> parents)
    {
        var depth = 0;
        for (var current = parents.GetValueOrDefault(key); current is not null; current = parents.GetValueOrDefault(current))
        {
            depth++;
        }

        return depth;
    }
}
