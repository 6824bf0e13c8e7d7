using Containers.Content;
using Containers.Hosting;
using Containers.Images;
using Containers.Storage;

namespace Containers.Linux.Storage;

/// <summary>
/// Unpacks image layers through any storage driver, the way containerd imports a layer: prepare a snapshot on the
/// parent layer, apply the layer's tar on it, commit it under the layer's chain ID. The vfs driver uses it; overlay
/// unpacks its layers on its own (<see cref="OverlayStorage"/>), concurrently and without copies.
/// </summary>
/// <remarks>
/// Each import holds the lock <c>import-&lt;driver&gt;-&lt;hex&gt;</c> of its layer, so processes sharing the store
/// import each layer once; the active snapshot <c>import-&lt;hex&gt;</c> a crashed import left is removed by the next one.
/// </remarks>
internal sealed class SnapshotLayerImporter(IStorageDriver driver, IContentStore content, StoreLayout layout) : IImageLayers
{
    public async Task<string?> EnsureAsync(ImageDetails image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var chain = ChainId.Compute(image.Layers.Select(l => l.DiffId).ToList());
        for (var i = 0; i < chain.Count; i++)
        {
            if (!await IsCommittedAsync(chain[i], cancellationToken).ConfigureAwait(false))
            {
                await ImportAsync(image, i, chain, cancellationToken).ConfigureAwait(false);
            }
        }

        return chain.Count == 0 ? null : chain[^1].ToString();
    }

    private async Task<bool> IsCommittedAsync(Digest chainId, CancellationToken cancellationToken)
    {
        try
        {
            return (await driver.StatAsync(chainId.ToString(), cancellationToken).ConfigureAwait(false)).Kind == SnapshotKind.Committed;
        }
        catch (SnapshotNotFoundException)
        {
            return false;
        }
    }

    private async Task ImportAsync(ImageDetails image, int index, IReadOnlyList<Digest> chain, CancellationToken cancellationToken)
    {
        var chainId = chain[index];
        using var held = await FileLock.AcquireAsync(layout.Lock($"import-{driver.Name}-{chainId.Encoded}"), exclusive: true, cancellationToken).ConfigureAwait(false);
        if (await IsCommittedAsync(chainId, cancellationToken).ConfigureAwait(false))
        {
            return; // another process imported it while this one waited
        }

        var key = "import-" + chainId.Encoded;
        await driver.RemoveAsync(key, cancellationToken).ConfigureAwait(false); // a crashed import's: only the lock's holder imports
        var target = Path.Combine(layout.Storage, driver.Name, "imports", chainId.Encoded);
        try
        {
            var mounts = await driver.PrepareAsync(key, index == 0 ? null : chain[index - 1].ToString(), cancellationToken).ConfigureAwait(false);
            var root = StorageMounts.Show(mounts, target);
            try
            {
                var stream = await LayerStreams.OpenReadAheadAsync(content, image.Layers[index], cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    await LayerApplier.ApplyAsync(stream, root, WhiteoutFormat.Apply, cancellationToken).ConfigureAwait(false);
                    await stream.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false); // verifies the diff ID over the whole stream
                }
            }
            finally
            {
                OverlayMount.Unmount(target);
            }

            await driver.CommitAsync(chainId.ToString(), key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            await driver.RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
            if (error is not StorageFullException && StorageFullException.IsDiskFull(error))
            {
                throw new StorageFullException(Path.Combine(layout.Storage, driver.Name), $"unpacking the layers of image {image.Id.ShortId} (those below layer {index + 1} are kept) into", error);
            }

            throw;
        }
        finally
        {
            if (Directory.Exists(target))
            {
                Directory.Delete(target);
            }
        }
    }
}
