using Containers.Containers;
using Containers.Content;
using Containers.Images;
using Containers.Internal;
using Containers.Storage;
using Microsoft.Extensions.Logging;

namespace Containers.Linux.Storage;

/// <summary>
/// Keeps image layers unpacked once each, keyed by chain ID, and gives every container an overlayfs root made of its
/// image's layers and a private writable upper directory.
/// </summary>
/// <remarks>
/// Layout under <c>storage/overlay/</c>: <c>layers/&lt;chain-id&gt;/diff</c> (committed when a <c>committed</c> file
/// exists), <c>containers/&lt;id&gt;/{upper,work,merged}</c>, and <c>staging/</c> for layers being unpacked. A layer is
/// unpacked through an overlay of its parents, so deletions become overlay whiteouts and hard links may name lower files.
/// Unpacking takes a per-layer file lock, so processes sharing the root unpack each layer once.
/// </remarks>
internal sealed partial class OverlayStorage(StoreLayout layout, IContentStore content, ILogger<OverlayStorage> logger) : IContainerRootfs, ILayerStore, IImageMounter
{
    private string Root => Path.Combine(layout.Storage, "overlay");

    private string LayerDirectory(Digest chainId) => Path.Combine(Root, "layers", chainId.Encoded);

    private string ContainerDirectory(string id) => Path.Combine(Root, "containers", id);

    public async Task<string> MountAsync(string containerId, ImageDetails image, CancellationToken cancellationToken = default)
    {
        var lowers = await EnsureLayersAsync(image, cancellationToken).ConfigureAwait(false);
        var directory = ContainerDirectory(containerId);
        var merged = Path.Combine(directory, "merged");
        if (OverlayMount.IsMountPoint(merged))
        {
            return merged;
        }

        foreach (var part in new[] { "upper", "work", "merged" })
        {
            Directory.CreateDirectory(Path.Combine(directory, part));
        }

        if (lowers.Count == 0)
        {
            // An image without layers: the upper directory alone is the root.
            OverlayMount.Mount([Path.Combine(directory, "upper")], null, null, merged);
            return merged;
        }

        OverlayMount.Mount(lowers.Reverse().ToList(), Path.Combine(directory, "upper"), Path.Combine(directory, "work"), merged);
        return merged;
    }

    public Task UnmountAsync(string containerId, CancellationToken cancellationToken = default)
    {
        OverlayMount.Unmount(Path.Combine(ContainerDirectory(containerId), "merged"));
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string containerId, CancellationToken cancellationToken = default)
    {
        var directory = ContainerDirectory(containerId);
        OverlayMount.Unmount(Path.Combine(directory, "merged"));
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    public async Task<string> MountAsync(ImageDetails image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var lowers = await EnsureLayersAsync(image, cancellationToken).ConfigureAwait(false);
        var target = Directory.CreateDirectory(ImageMountPoint(image)).FullName;
        if (!OverlayMount.IsMountPoint(target))
        {
            OverlayMount.MountReadOnly(lowers.Reverse().ToList(), target);
        }

        return target;
    }

    public Task UnmountAsync(ImageDetails image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var target = ImageMountPoint(image);
        OverlayMount.Unmount(target);
        if (Directory.Exists(target))
        {
            Directory.Delete(target);
        }

        return Task.CompletedTask;
    }

    private string ImageMountPoint(ImageDetails image) => Path.Combine(Root, "mounts", image.Id.Encoded);

    public async Task WriteDiffAsync(string containerId, Stream destination, CancellationToken cancellationToken = default)
    {
        var upper = Path.Combine(ContainerDirectory(containerId), "upper");
        if (!Directory.Exists(upper))
        {
            throw new InvalidOperationException($"container {containerId} has no writable layer yet: start it first");
        }

        await OverlayDiff.WriteAsync(upper, destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Unpacks whatever layers of the image are missing; returns the diff directories, base first.</summary>
    public async Task<IReadOnlyList<string>> EnsureLayersAsync(ImageDetails image, CancellationToken cancellationToken)
    {
        var chain = ChainId.Compute(image.Layers.Select(l => l.DiffId).ToList());
        var diffs = new List<string>();
        for (var i = 0; i < chain.Count; i++)
        {
            var directory = LayerDirectory(chain[i]);
            if (!File.Exists(Path.Combine(directory, "committed")))
            {
                using var held = await FileLock.AcquireAsync(layout.Lock("layer-" + chain[i].Encoded), exclusive: true, cancellationToken).ConfigureAwait(false);
                if (!File.Exists(Path.Combine(directory, "committed")))
                {
                    await UnpackAsync(image.Layers[i], chain[i], diffs, directory, cancellationToken).ConfigureAwait(false);
                }
            }

            diffs.Add(Path.Combine(directory, "diff"));
        }

        return diffs;
    }

    private async Task UnpackAsync(ImageLayer layer, Digest chainId, IReadOnlyList<string> parents, string destination, CancellationToken cancellationToken)
    {
        // Named by chain ID: while its layer lock is held, the unpack is alive; once free, it is a crash's leftover.
        var staging = Path.Combine(Root, "staging", chainId.Encoded + "." + Guid.NewGuid().ToString("N")[..8]);
        var diff = Path.Combine(staging, "diff");
        Directory.CreateDirectory(diff);
        try
        {
            var stream = await LayerStreams.OpenAsync(content, layer, cancellationToken).ConfigureAwait(false);
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

                // The tar may end before the stream does; reading the rest completes the diff ID check.
                await stream.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            if (Directory.Exists(destination))
            {
                Directory.Delete(destination, recursive: true); // an uncommitted leftover of a crashed unpack
            }

            Directory.Move(staging, destination);
            await File.WriteAllTextAsync(Path.Combine(destination, "committed"), layer.DiffId.ToString(), cancellationToken).ConfigureAwait(false);
            LogUnpacked(logger, layer.DiffId);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                OverlayMount.Unmount(Path.Combine(staging, "merged"));
                Directory.Delete(staging, recursive: true);
            }
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

        var containers = Path.Combine(Root, "containers");
        foreach (var directory in Directory.Exists(containers) ? Directory.EnumerateDirectories(containers) : [])
        {
            if (!File.Exists(Path.Combine(layout.Containers, Path.GetFileName(directory), "container.json")))
            {
                OverlayMount.Unmount(Path.Combine(directory, "merged"));
                Directory.Delete(directory, recursive: true);
                removed++;
            }
        }

        return removed;
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

    private static long DirectorySize(string directory) =>
        new DirectoryInfo(directory).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(f => f.LinkTarget is null)
            .Sum(f => f.Length);

    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "Unpacked layer {DiffId}")]
    private static partial void LogUnpacked(ILogger logger, Digest diffId);
}
