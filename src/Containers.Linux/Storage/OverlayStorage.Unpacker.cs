using Containers.Hosting;
using Containers.Images;
using Containers.Oci;
using Containers.Storage;

namespace Containers.Linux.Storage;

/// <summary>Unpacks single layers for a pull as their blobs arrive (<see cref="ILayerUnpacker"/>).</summary>
internal sealed partial class OverlayStorage : ILayerUnpacker
{
    private static readonly TimeSpan ParentPollInterval = TimeSpan.FromMilliseconds(50);

    private readonly SemaphoreSlim _unpackGate = new(Math.Max(1, options.MaxConcurrentUnpacks));

    public async Task<Digest> ApplyLayerAsync(Descriptor layer, Digest diffId, Digest? parentChainId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(diffId);
        var chainId = ChainId.Next(parentChainId, diffId);
        if (IsCommitted(chainId))
        {
            return chainId;
        }

        var imageLayer = new ImageLayer(layer, diffId);
        if (await StageAsync(imageLayer, chainId, _unpackGate, cancellationToken).ConfigureAwait(false) is { } staged)
        {
            using (staged)
            {
                var parents = parentChainId is null ? [] : await WaitForParentAsync(parentChainId, cancellationToken).ConfigureAwait(false);
                await CommitAsync(staged, imageLayer, parents, parentChainId, cancellationToken).ConfigureAwait(false);
            }
        }

        return chainId;
    }

    /// <summary>Waits until the parent layer is committed; returns the diff directories of it and its ancestors, base first.</summary>
    private async Task<IReadOnlyList<string>> WaitForParentAsync(Digest parent, CancellationToken cancellationToken)
    {
        while (!IsCommitted(parent))
        {
            // An unpack of the parent holds its lock until it commits; when nobody holds it, the parent's call has not started yet.
            using (await FileLock.AcquireAsync(layout.Lock("layer-" + parent.Encoded), exclusive: false, cancellationToken).ConfigureAwait(false))
            {
            }

            if (!IsCommitted(parent))
            {
                await Task.Delay(ParentPollInterval, cancellationToken).ConfigureAwait(false);
            }
        }

        var diffs = new List<string>();
        for (Digest? current = parent; current is not null; current = RecordedParent(current))
        {
            diffs.Insert(0, Path.Combine(LayerDirectory(current), "diff"));
        }

        return diffs;
    }

    private Digest? RecordedParent(Digest chainId)
    {
        var file = Path.Combine(LayerDirectory(chainId), "parent");
        if (!File.Exists(file))
        {
            throw new InvalidOperationException(
                $"layer {chainId} was unpacked by an older version that did not record its parent: remove the images that use it (or prune) and pull again");
        }

        var text = File.ReadAllText(file).Trim();
        return text.Length == 0 ? null : Digest.Parse(text);
    }
}
