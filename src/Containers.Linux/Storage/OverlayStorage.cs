using Containers.Content;
using Containers.Hosting;
using Containers.Images;
using Containers.Linux.Hosting;
using Containers.Storage;
using Microsoft.Extensions.Logging;

namespace Containers.Linux.Storage;

/// <summary>
/// Keeps image layers unpacked once each, keyed by chain ID: the committed snapshots of <see cref="OverlaySnapshotter"/>,
/// on which containers' writable layers and image views sit (<see cref="SnapshotContainerRootfs"/>, <see cref="SnapshotImageMounter"/>).
/// </summary>
/// <remarks>
/// Layout under <c>storage/overlay/</c>: <c>layers/&lt;chain-id&gt;/diff</c> (committed when a <c>committed</c> file
/// exists), <c>snapshots/ctr-&lt;id&gt;/{upper,work}</c> (each container's writable layer, an active snapshot of
/// <see cref="OverlaySnapshotter"/>), <c>containers/&lt;id&gt;/merged</c> (its mount point), and <c>staging/</c> for layers being unpacked. The layers of
/// an image unpack concurrently, each on its own in overlay form (whiteouts as 0/0 character devices, opaque directories
/// marked with <c>trusted.overlay.opaque</c>); a layer that hard-links to a file of its parents is unpacked through an
/// overlay of them instead. Unpacking holds a per-layer file lock, so processes sharing the root unpack each layer once.
/// </remarks>
internal sealed partial class OverlayStorage(StoreLayout layout, IContentStore content, LinuxRuntimeOptions options, ILogger<OverlayStorage> logger) : IImageLayers, ILayerStore
{
    private string Root => Path.Combine(layout.Storage, "overlay");

    private string LayerDirectory(Digest chainId) => Path.Combine(Root, "layers", chainId.Encoded);

    public async Task<string?> EnsureAsync(ImageDetails image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        await EnsureLayersAsync(image, cancellationToken).ConfigureAwait(false);
        return image.Layers.Count == 0 ? null : ChainId.Compute(image.Layers.Select(l => l.DiffId).ToList())[^1].ToString();
    }

    /// <summary>Unpacks whatever layers of the image are missing; returns the diff directories, base first.</summary>
    /// <remarks>
    /// Missing layers unpack concurrently (at most <see cref="LinuxRuntimeOptions.MaxConcurrentUnpacks"/> at once), each
    /// on its own into overlay form; they are committed in order, base first, once their parents are. Each layer's file
    /// lock is held from unpack to commit, so processes sharing the store unpack each layer once.
    /// </remarks>
    public async Task<IReadOnlyList<string>> EnsureLayersAsync(ImageDetails image, CancellationToken cancellationToken)
    {
        var chain = ChainId.Compute(image.Layers.Select(l => l.DiffId).ToList());
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var gate = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentUnpacks));
        var staged = new Task<StagedLayer?>[chain.Count];
        for (var i = 0; i < chain.Count; i++)
        {
            staged[i] = IsCommitted(chain[i]) ? Task.FromResult<StagedLayer?>(null) : StageAsync(image.Layers[i], chain[i], gate, failed.Token);
        }

        var diffs = new List<string>();
        try
        {
            for (var i = 0; i < chain.Count; i++)
            {
                if (await staged[i].ConfigureAwait(false) is { } layer)
                {
                    using (layer)
                    {
                        await CommitAsync(layer, image.Layers[i], diffs, i == 0 ? null : chain[i - 1], cancellationToken).ConfigureAwait(false);
                    }
                }

                diffs.Add(Path.Combine(LayerDirectory(chain[i]), "diff"));
                RecordParent(chain, i);
            }
        }
        catch (Exception error)
        {
            // Stop the other unpacks and release what they hold: their locks and staging directories.
            await failed.CancelAsync().ConfigureAwait(false);
            foreach (var task in staged)
            {
                try
                {
                    (await task.ConfigureAwait(false))?.Dispose();
                }
                catch (Exception e) when (e is OperationCanceledException or ContainersException or IOException)
                {
                    // Already reported by the layer that failed first, or a consequence of the cancellation.
                }
            }

            if (error is not StorageFullException && StorageFullException.IsDiskFull(error))
            {
                throw new StorageFullException(Path.Combine(Root, "staging"), $"unpacking the layers of image {image.Id.ShortId} (nothing of them is kept) into", error);
            }

            throw;
        }

        return diffs;
    }

    /// <summary>Records the parent of a layer committed before parents were recorded, so snapshots can find their chain.</summary>
    private void RecordParent(IReadOnlyList<Digest> chain, int i)
    {
        var file = Path.Combine(LayerDirectory(chain[i]), "parent");
        if (!File.Exists(file))
        {
            File.WriteAllText(file, i == 0 ? string.Empty : chain[i - 1].ToString());
        }
    }

    private bool IsCommitted(Digest chainId) => File.Exists(Path.Combine(LayerDirectory(chainId), "committed"));

    /// <summary>Takes the layer's lock and unpacks it on its own into a staging directory; null when another process committed it meanwhile.</summary>
    private async Task<StagedLayer?> StageAsync(ImageLayer layer, Digest chainId, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var held = await FileLock.AcquireAsync(layout.Lock("layer-" + chainId.Encoded), exclusive: true, cancellationToken).ConfigureAwait(false);

            // Named by chain ID: while its layer lock is held, the unpack is alive; once free, it is a crash's leftover.
            var staged = new StagedLayer(held, chainId, Path.Combine(Root, "staging", chainId.Encoded + "." + Guid.NewGuid().ToString("N")[..8]));
            try
            {
                if (IsCommitted(chainId))
                {
                    staged.Dispose();
                    return null;
                }

                Directory.CreateDirectory(staged.Diff);
                var stream = await LayerStreams.OpenReadAheadAsync(content, layer, cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    try
                    {
                        staged.CreatedDirectories = await LayerApplier.ApplyDetachedAsync(stream, staged.Diff, cancellationToken).ConfigureAwait(false);
                    }
                    catch (LayerNeedsParentsException e)
                    {
                        LogNeedsParents(logger, layer.DiffId, e.Entry);
                        staged.NeedsParents = true;
                        return staged;
                    }

                    // The tar may end before the stream does; reading the rest completes the diff ID check.
                    await stream.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
                }

                return staged;
            }
            catch
            {
                staged.Dispose();
                throw;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Completes a staged layer now that its parents are committed, then moves it into place and marks it committed.</summary>
    private async Task CommitAsync(StagedLayer staged, ImageLayer layer, IReadOnlyList<string> parents, Digest? parentChainId, CancellationToken cancellationToken)
    {
        if (staged.NeedsParents)
        {
            Directory.Delete(staged.Diff, recursive: true);
            Directory.CreateDirectory(staged.Diff);
            await UnpackOnParentsAsync(layer, parents, staged.Path, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            ParentMetadata.Copy(staged.Diff, parents, staged.CreatedDirectories, Path.Combine(staged.Path, "parents"));
        }

        var destination = LayerDirectory(staged.ChainId);
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        if (Directory.Exists(destination))
        {
            Directory.Delete(destination, recursive: true); // an uncommitted leftover of a crashed unpack
        }

        await File.WriteAllTextAsync(Path.Combine(staged.Path, "parent"), parentChainId?.ToString() ?? string.Empty, cancellationToken).ConfigureAwait(false);
        Directory.Move(staged.Path, destination);
        await File.WriteAllTextAsync(Path.Combine(destination, "committed"), layer.DiffId.ToString(), cancellationToken).ConfigureAwait(false);
        LogUnpacked(logger, layer.DiffId);
    }

    /// <summary>Unpacks a layer through an overlay of its parents, so its hard links may name their files.</summary>
    private async Task UnpackOnParentsAsync(ImageLayer layer, IReadOnlyList<string> parents, string staging, CancellationToken cancellationToken)
    {
        var diff = Path.Combine(staging, "diff");
        var stream = await LayerStreams.OpenReadAheadAsync(content, layer, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            if (parents.Count == 0)
            {
                await LayerApplier.ApplyAsync(stream, diff, WhiteoutFormat.Overlay, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var work = Directory.CreateDirectory(Path.Combine(staging, "work")).FullName;
                var merged = Directory.CreateDirectory(Path.Combine(staging, "merged")).FullName;
                OverlayMount.Mount(parents.Reverse().ToList(), diff, work, merged);
                try
                {
                    await LayerApplier.ApplyAsync(stream, merged, WhiteoutFormat.Apply, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    OverlayMount.Unmount(merged);
                }
            }

            await stream.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Removes what a crashed process left: half-unpacked layers, uncommitted layer directories, and the roots of
    /// containers that no longer exist. Returns how many it removed.
    /// </summary>
    public int Reclaim()
    {
        var removed = 0;
        var staging = Path.Combine(Root, "staging");
        foreach (var directory in Directory.Exists(staging) ? Directory.EnumerateDirectories(staging) : [])
        {
            var chain = Path.GetFileName(directory).Split('.')[0];
            using var free = FileLock.TryAcquire(layout.Lock("layer-" + chain), exclusive: true);
            if (free is not null)
            {
                OverlayMount.Unmount(Path.Combine(directory, "merged"));
                OverlayMount.Unmount(Path.Combine(directory, "parents"));
                Directory.Delete(directory, recursive: true);
                removed++;
            }
        }

        var layers = Path.Combine(Root, "layers");
        foreach (var directory in Directory.Exists(layers) ? Directory.EnumerateDirectories(layers) : [])
        {
            if (!File.Exists(Path.Combine(directory, "committed")) && FileLock.TryAcquire(layout.Lock("layer-" + Path.GetFileName(directory)), exclusive: true) is { } free)
            {
                using (free)
                {
                    Directory.Delete(directory, recursive: true);
                    removed++;
                }
            }
        }

        return removed + ContainerLeftovers.Reclaim(layout, Root);
    }

    public Task<long> PruneAsync(IReadOnlySet<Digest> keep, CancellationToken cancellationToken = default) =>
        Task.FromResult(Prune(keep.Select(d => d.Encoded).ToHashSet(StringComparer.Ordinal)));

    public Task<LayerUsage> GetUsageAsync(CancellationToken cancellationToken = default)
    {
        var (count, bytes) = Usage();
        return Task.FromResult(new LayerUsage(count, bytes));
    }

    /// <summary>Deletes the unpacked layers whose chain IDs are not in <paramref name="keep"/>; returns the bytes freed.</summary>
    private long Prune(IReadOnlySet<string> keep)
    {
        long freed = 0;
        var layers = Path.Combine(Root, "layers");
        foreach (var directory in Directory.Exists(layers) ? Directory.EnumerateDirectories(layers) : [])
        {
            if (!keep.Contains(Path.GetFileName(directory)) && FileLock.TryAcquire(layout.Lock("layer-" + Path.GetFileName(directory)), exclusive: true) is { } free)
            {
                using (free)
                {
                    freed += DirectorySize(directory);
                    Directory.Delete(directory, recursive: true);
                }
            }
        }

        return freed;
    }

    /// <summary>Sums the sizes of the unpacked layers.</summary>
    private (int Layers, long Bytes) Usage()
    {
        var layers = Path.Combine(Root, "layers");
        var directories = Directory.Exists(layers) ? Directory.EnumerateDirectories(layers).ToList() : [];
        return (directories.Count, directories.Sum(DirectorySize));
    }

    private static long DirectorySize(string directory) => DirectoryTree.Size(directory);

    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "Unpacked layer {DiffId}")]
    private static partial void LogUnpacked(ILogger logger, Digest diffId);

    [LoggerMessage(EventId = 201, Level = LogLevel.Debug, Message = "Layer {DiffId} hard-links into its parents at {Entry}; unpacking it on top of them")]
    private static partial void LogNeedsParents(ILogger logger, Digest diffId, string entry);
}
