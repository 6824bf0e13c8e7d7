using Containers.Containers;
using Containers.Hosting;
using Containers.Images;
using Containers.Storage;

namespace Containers.Linux.Storage;

/// <summary>
/// Gives each container a root filesystem through the storage driver: its writable layer is the active snapshot
/// <c>ctr-&lt;id&gt;</c> on the image's top layer, shown at <c>storage/&lt;driver&gt;/containers/&lt;id&gt;/merged</c>
/// (vfs, whose snapshot is a plain directory, needs no mount and hands out that directory).
/// </summary>
internal sealed class SnapshotContainerRootfs(IStorageDriver driver, IImageLayers layers, StoreLayout layout) : IContainerRootfs
{
    private string ContainerDirectory(string containerId) => Path.Combine(layout.Storage, driver.Name, "containers", containerId);

    private static string Key(string containerId) => "ctr-" + containerId;

    public async Task<string> MountAsync(string containerId, ImageDetails image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var top = await layers.EnsureAsync(image, cancellationToken).ConfigureAwait(false);
        if (LegacyVfsRoot(containerId) is { } legacy)
        {
            return legacy;
        }

        IReadOnlyList<StorageMount> mounts;
        try
        {
            mounts = await driver.MountsAsync(Key(containerId), cancellationToken).ConfigureAwait(false);
        }
        catch (SnapshotNotFoundException)
        {
            mounts = await PrepareAsync(containerId, top, cancellationToken).ConfigureAwait(false);
        }

        return StorageMounts.Show(mounts, Path.Combine(ContainerDirectory(containerId), "merged"));
    }

    private async Task<IReadOnlyList<StorageMount>> PrepareAsync(string containerId, string? top, CancellationToken cancellationToken)
    {
        try
        {
            return await driver.PrepareAsync(Key(containerId), top, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not StorageFullException && StorageFullException.IsDiskFull(error))
        {
            throw new StorageFullException(Path.Combine(layout.Storage, driver.Name), $"preparing the writable layer of container {containerId} (nothing of it is kept) in", error);
        }
    }

    public Task UnmountAsync(string containerId, CancellationToken cancellationToken = default)
    {
        OverlayMount.Unmount(Path.Combine(ContainerDirectory(containerId), "merged"));
        return Task.CompletedTask;
    }

    public async Task RemoveAsync(string containerId, CancellationToken cancellationToken = default)
    {
        var directory = ContainerDirectory(containerId);
        OverlayMount.Unmount(Path.Combine(directory, "merged"));
        StoreTrash.Delete(layout, directory); // unmounted: an empty mount point, deleted in the background
        await driver.RemoveAsync(Key(containerId), cancellationToken).ConfigureAwait(false);
    }

    public async Task WriteDiffAsync(string containerId, Stream destination, CancellationToken cancellationToken = default)
    {
        if (LegacyVfsRoot(containerId) is { } legacy)
        {
            await VfsDiff.WriteAsync(legacy, Path.Combine(ContainerDirectory(containerId), "unpacked.state"), destination, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (driver is not ISnapshotDiffer differ)
        {
            throw new NotSupportedException($"the {driver.Name} storage driver cannot tell a container's changes: use overlay or vfs");
        }

        try
        {
            await differ.WriteDiffAsync(Key(containerId), destination, cancellationToken).ConfigureAwait(false);
        }
        catch (SnapshotNotFoundException e)
        {
            throw new InvalidOperationException($"container {containerId} has no writable layer yet: start it first", e);
        }
    }

    /// <summary>Returns the root of a container made by the vfs driver before it used snapshots (a full copy of its own), or null.</summary>
    private string? LegacyVfsRoot(string containerId)
    {
        var rootfs = Path.Combine(ContainerDirectory(containerId), "rootfs");
        return Directory.Exists(rootfs) ? rootfs : null;
    }
}
