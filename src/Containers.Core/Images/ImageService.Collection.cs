using Containers.Content;
using Containers.Oci;
using Microsoft.Extensions.Logging;

namespace Containers.Images;

/// <summary>Garbage collection, pruning and disk usage: everything that walks the graph from the roots.</summary>
internal sealed partial class ImageService
{
    public async Task<GarbageCollectionResult> CollectGarbageAsync(CancellationToken cancellationToken = default)
    {
        using var held = await _content.AcquireCollectionLockAsync(exclusive: true, cancellationToken).ConfigureAwait(false);
        return await SweepAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<ImagePruneResult> PruneAsync(bool all = false, CancellationToken cancellationToken = default)
    {
        using var useLock = await _useLock.ExclusiveAsync(cancellationToken).ConfigureAwait(false);
        var images = await LoadImagesAsync(cancellationToken).ConfigureAwait(false);
        var uses = await GetUsesAsync(cancellationToken).ConfigureAwait(false);
        var doomed = images.Where(i => (all || i.Names.Count == 0) && !uses.ContainsKey(i.Id)).ToList();
        var digests = doomed.SelectMany(i => i.EntryDigests).ToHashSet();
        await _content.UpdateIndexAsync(entries => (entries.Where(e => !digests.Contains(e.Digest)).ToList(), true), cancellationToken).ConfigureAwait(false);

        var removals = doomed
            .SelectMany(i => i.Names.Select(n => new ImageRemoval(ImageRemovalKind.Untagged, n.FamiliarName))
                .Append(new ImageRemoval(ImageRemovalKind.Deleted, i.Id.ToString())))
            .ToList();
        var collected = await CollectGarbageAsync(cancellationToken).ConfigureAwait(false);
        return new ImagePruneResult(removals, collected.BytesDeleted);
    }

    public async Task<ImageDiskUsage> GetDiskUsageAsync(CancellationToken cancellationToken = default)
    {
        var images = await LoadImagesAsync(cancellationToken).ConfigureAwait(false);
        var uses = await GetUsesAsync(cancellationToken).ConfigureAwait(false);
        var active = images.Where(i => uses.ContainsKey(i.Id)).ToList();
        var kept = await MarkAsync(active.SelectMany(i => i.Entries).Concat(UseRoots(uses)), cancellationToken).ConfigureAwait(false);
        long total = 0;
        long reclaimable = 0;
        await foreach (var blob in _content.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            total += blob.Size;
            reclaimable += kept.Contains(blob.Digest) ? 0 : blob.Size;
        }

        return new ImageDiskUsage(images.Count, active.Count, total, reclaimable);
    }

    /// <summary>Collects garbage only when nobody is writing; a later collection picks up what this one skips.</summary>
    private async Task TryCollectGarbageAsync(CancellationToken cancellationToken)
    {
        using var held = await TryAcquireCollectionLockAsync(cancellationToken).ConfigureAwait(false);
        if (held is not null)
        {
            await SweepAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<IDisposable?> TryAcquireCollectionLockAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromMilliseconds(200));
            return await _content.AcquireCollectionLockAsync(exclusive: true, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<GarbageCollectionResult> SweepAsync(CancellationToken cancellationToken)
    {
        var index = await _content.ReadIndexAsync(cancellationToken).ConfigureAwait(false);
        var uses = await GetUsesAsync(cancellationToken).ConfigureAwait(false);
        var live = await MarkAsync(index.Manifests.Concat(UseRoots(uses)), cancellationToken).ConfigureAwait(false);
        var deleted = 0;
        long bytes = 0;
        await foreach (var blob in _content.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!live.Contains(blob.Digest) && await _content.DeleteAsync(blob.Digest, cancellationToken).ConfigureAwait(false))
            {
                deleted++;
                bytes += blob.Size;
            }
        }

        bytes += await PruneLayersAsync(uses, cancellationToken).ConfigureAwait(false);
        LogCollected(_logger, deleted, bytes);
        return new GarbageCollectionResult(deleted, bytes);
    }

    /// <summary>Asks the layer stores to drop unpacked layers that no image and no container needs any more.</summary>
    private async Task<long> PruneLayersAsync(Dictionary<Digest, List<ImageUse>> uses, CancellationToken cancellationToken)
    {
        if (!_layerStores.Any())
        {
            return 0;
        }

        var keep = new HashSet<Digest>();
        var configs = (await LoadImagesAsync(cancellationToken).ConfigureAwait(false)).Select(i => i.Id).Concat(uses.Keys).Distinct();
        foreach (var config in configs)
        {
            if (await _content.GetInfoAsync(config, cancellationToken).ConfigureAwait(false) is null)
            {
                continue;
            }

            var bytes = await _content.ReadAllBytesAsync(config, ContentLimits.MaxConfigSize, cancellationToken).ConfigureAwait(false);
            keep.UnionWith(Storage.ChainId.Compute(OciSerializer.ReadConfiguration(bytes, config).RootFs.DiffIds));
        }

        long freed = 0;
        foreach (var store in _layerStores)
        {
            freed += await store.PruneAsync(keep, cancellationToken).ConfigureAwait(false);
        }

        return freed;
    }

    private static IEnumerable<Descriptor> UseRoots(Dictionary<Digest, List<ImageUse>> uses) =>
        uses.Values.SelectMany(l => l).Select(u => new Descriptor { MediaType = string.Empty, Digest = u.ManifestDigest, Size = 0 });

    /// <summary>Marks every blob reachable from the roots: indexes lead to manifests, manifests to configurations and layers.</summary>
    private async Task<HashSet<Digest>> MarkAsync(IEnumerable<Descriptor> roots, CancellationToken cancellationToken)
    {
        var live = new HashSet<Digest>();
        var pending = new Stack<Descriptor>(roots);
        while (pending.TryPop(out var descriptor))
        {
            if (!live.Add(descriptor.Digest) || MediaTypes.IsLayer(descriptor.MediaType) || MediaTypes.IsConfig(descriptor.MediaType))
            {
                continue;
            }

            try
            {
                foreach (var child in await ChildrenAsync(descriptor, cancellationToken).ConfigureAwait(false))
                {
                    pending.Push(child);
                }
            }
            catch (ContainersException)
            {
                // Content that is not a readable manifest references nothing; it is a leaf, kept because it is reachable.
            }
        }

        return live;
    }

    /// <summary>
    /// Lists what a manifest (configuration and layers) or an index (manifests) references; anything else references nothing.
    /// A descriptor without a known media type, such as a container's manifest digest, is identified from its content.
    /// </summary>
    private async Task<IEnumerable<Descriptor>> ChildrenAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        if (await _content.GetInfoAsync(descriptor.Digest, cancellationToken).ConfigureAwait(false) is not { } info || info.Size > ContentLimits.MaxManifestSize)
        {
            return [];
        }

        var mediaType = descriptor.MediaType;
        var known = MediaTypes.IsManifest(mediaType) || MediaTypes.IsIndex(mediaType);
        if (!known && !string.IsNullOrEmpty(mediaType))
        {
            return [];
        }

        var bytes = await _content.ReadAllBytesAsync(descriptor.Digest, ContentLimits.MaxManifestSize, cancellationToken).ConfigureAwait(false);
        mediaType = known ? mediaType : OciSerializer.DetectMediaType(bytes, descriptor.Digest);
        if (MediaTypes.IsIndex(mediaType))
        {
            return OciSerializer.ReadIndex(bytes, descriptor.Digest).Manifests;
        }

        if (MediaTypes.IsManifest(mediaType))
        {
            var manifest = OciSerializer.ReadManifest(bytes, descriptor.Digest);
            return manifest.Layers.Append(manifest.Config);
        }

        return [];
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Garbage collection deleted {Blobs} blobs ({Bytes} bytes)")]
    private static partial void LogCollected(ILogger logger, int blobs, long bytes);
}
