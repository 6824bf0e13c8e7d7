using Containers.Containers;
using Containers.Images;
using Containers.Hosting;
using Containers.Internal;
using Containers.Oci;
using Containers.Volumes;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Snapshots;

/// <summary>
/// Keeps ready-state snapshots as images named <c>localhost/dotnet-containers-snapshot:&lt;key&gt;</c>: takes one from a
/// cleanly stopped container (its writable layer, with its anonymous volumes folded in), finds one by key, and lists,
/// removes and prunes them.
/// </summary>
/// <remarks>
/// A snapshot appears atomically: its blobs are written first (content-addressed, each renamed into place), and only
/// then does its name enter the store's index (itself replaced by rename), so a crash leaves at most unnamed blobs that
/// garbage collection reclaims. Takers of one key serialize on a lock file per key (<see cref="LockAsync"/>).
/// </remarks>
internal sealed class ReadySnapshotService(IImageService images, VolumeService volumes, StoreLayout layout, IServiceProvider services) : IReadySnapshotService
{
    /// <summary>The repository every snapshot image is named in.</summary>
    public const string Repository = "localhost/dotnet-containers-snapshot";

    public static ImageReference ReferenceOf(string key) => ImageReference.Parse(Repository + ":" + key);

    /// <summary>Returns the snapshot of <paramref name="key"/>, or <see langword="null"/> when none was taken.</summary>
    public async Task<ReadySnapshot?> FindAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return ToSnapshot(await images.InspectAsync(ReferenceOf(key).ToString(), cancellationToken).ConfigureAwait(false));
        }
        catch (ImageNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Takes the lock of <paramref name="key"/>, so that one process or fixture takes its snapshot while the others wait for it.</summary>
    public Task<FileLock> LockAsync(string key, CancellationToken cancellationToken) =>
        FileLock.AcquireAsync(layout.Lock("snapshot-" + key), exclusive: true, cancellationToken);

    /// <summary>
    /// Records the state of a container that stopped as a snapshot of <paramref name="key"/>: its anonymous volumes'
    /// data are copied into its writable layer (where their mount points were), which is then committed over its image,
    /// without those <c>VOLUME</c>s, so that fixtures from the snapshot see the data copy-on-write through overlay.
    /// </summary>
    /// <exception cref="ReadySnapshotException">The container did not exit cleanly: nothing is recorded.</exception>
    public async Task<ReadySnapshot> TakeAsync(string containerId, string key, string sourceImage, CancellationToken cancellationToken)
    {
        var containers = services.GetRequiredService<IContainerService>();
        var details = await containers.InspectAsync(containerId, cancellationToken).ConfigureAwait(false);
        var state = details.State;
        if (state.IsRunning || state.Status == ContainerStatus.Created || state.ExitCode != 0 || state.OomKilled)
        {
            var reason = state.IsRunning || state.Status == ContainerStatus.Created ? "is not stopped"
                : state.OomKilled ? "ran out of memory"
                : state.ExitCode == 128 + Signals.Kill ? "was killed (it did not exit within the stop timeout)"
                : "exited with an error";
            throw new ReadySnapshotException(containerId, sourceImage, state.ExitCode, reason);
        }

        var captured = new List<ContainerMount>();
        foreach (var mount in details.Options.Mounts.Where(m => m.Type == MountType.Volume && m.Source is not null))
        {
            if ((await volumes.InspectAsync(mount.Source!, cancellationToken).ConfigureAwait(false)).Anonymous)
            {
                captured.Add(mount);
            }
        }

        var image = await images.InspectAsync(details.ImageId.ToString(), cancellationToken).ConfigureAwait(false);
        if (captured.Count > 0)
        {
            await FoldVolumesAsync(containerId, image, captured, cancellationToken).ConfigureAwait(false);
        }

        var targets = captured.Select(m => m.Target.TrimEnd('/')).ToHashSet(StringComparer.Ordinal);
        var committed = await containers.CommitAsync(
            containerId,
            new CommitOptions
            {
                Reference = ReferenceOf(key).ToString(),
                Message = "ready-state snapshot of " + sourceImage,
                ConfigureImage = config => config with
                {
                    Volumes = config.Volumes?.Where(v => !targets.Contains(v.Key.TrimEnd('/'))).ToDictionary() is { Count: > 0 } kept ? kept : null,
                    Labels = new Dictionary<string, string>(config.Labels ?? new Dictionary<string, string>())
                    {
                        [ReadySnapshotLabels.Key] = key,
                        [ReadySnapshotLabels.Source] = sourceImage,
                    },
                },
            },
            cancellationToken).ConfigureAwait(false);
        return ToSnapshot(committed);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReadySnapshot>> ListAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<ReadySnapshot>();
        foreach (var summary in await images.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!summary.Names.Any(n => n.Name == Repository))
            {
                continue;
            }

            try
            {
                result.Add(ToSnapshot(await images.InspectAsync(summary.Id.ToString(), cancellationToken).ConfigureAwait(false)));
            }
            catch (ImageNotFoundException)
            {
                // Removed meanwhile by another process sharing the root.
            }
        }

        return [.. result.OrderByDescending(s => s.Created)];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReadySnapshot>> RemoveAsync(string keyPrefix, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyPrefix);
        if (keyPrefix.Length < 4)
        {
            throw new ArgumentException("give at least 4 characters of the snapshot's key", nameof(keyPrefix));
        }

        var matches = (await ListAsync(cancellationToken).ConfigureAwait(false)).Where(s => s.Key.StartsWith(keyPrefix, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 0)
        {
            throw new ReadySnapshotNotFoundException(keyPrefix);
        }

        foreach (var snapshot in matches)
        {
            await images.RemoveAsync(snapshot.Reference.ToString(), force: false, cancellationToken).ConfigureAwait(false);
        }

        return matches;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReadySnapshot>> PruneAsync(CancellationToken cancellationToken = default)
    {
        var removed = new List<ReadySnapshot>();
        foreach (var snapshot in await ListAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await images.RemoveAsync(snapshot.Reference.ToString(), force: false, cancellationToken).ConfigureAwait(false);
                removed.Add(snapshot);
            }
            catch (Exception e) when (e is ImageInUseException or ImageNotFoundException)
            {
                // In use by a running fixture, or removed meanwhile: kept, or gone already.
            }
        }

        return removed;
    }

    private static ReadySnapshot ToSnapshot(ImageDetails image)
    {
        var labels = image.Configuration.Config?.Labels ?? new Dictionary<string, string>();
        return new ReadySnapshot
        {
            Key = labels.GetValueOrDefault(ReadySnapshotLabels.Key) ?? string.Empty,
            ImageId = image.Id,
            Reference = image.Names.FirstOrDefault(n => n.Name == Repository) ?? ReferenceOf(labels.GetValueOrDefault(ReadySnapshotLabels.Key) ?? "unknown"),
            SourceImage = labels.GetValueOrDefault(ReadySnapshotLabels.Source) ?? string.Empty,
            Created = image.Configuration.Created,
            Size = image.Layers.Count > 0 ? image.Layers[^1].Descriptor.Size : 0,
            TotalSize = image.Size,
        };
    }

    /// <summary>Replaces each captured volume's mount point in the container's root with the volume's data (owners, modes and all).</summary>
    private async Task FoldVolumesAsync(string containerId, ImageDetails image, IReadOnlyList<ContainerMount> captured, CancellationToken cancellationToken)
    {
        var copier = services.GetServices<IVolumeContentCopier>().LastOrDefault()
            ?? throw new NotSupportedException("a ready-state snapshot of a service with volumes needs a platform runtime that copies files with their owners; add one, for example with builder.AddLinuxRuntime()");
        var rootfs = services.GetRequiredService<IContainerRootfs>();
        var root = await rootfs.MountAsync(containerId, image, cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var mount in captured)
            {
                var target = InRoot(root, mount.Target);
                if (Directory.Exists(target))
                {
                    Directory.Delete(target, recursive: true);
                }

                Directory.CreateDirectory(target);
                copier.Copy(volumes.DataPath(mount.Source!), target);
            }
        }
        finally
        {
            await rootfs.UnmountAsync(containerId, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Resolves a mount point under the container's root, refusing symbolic links on the way (they could lead out of it).</summary>
    private static string InRoot(string root, string target)
    {
        var path = root;
        foreach (var part in target.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                throw new NotSupportedException($"a volume mount point with '..' ({target}) cannot be captured in a ready-state snapshot");
            }

            path = Path.Combine(path, part);
            if (new FileInfo(path).LinkTarget is not null)
            {
                throw new NotSupportedException($"the volume mount point {target} passes through a symbolic link in the image; a ready-state snapshot cannot capture it");
            }
        }

        return path;
    }
}
