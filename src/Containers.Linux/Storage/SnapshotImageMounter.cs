using Containers.Hosting;
using Containers.Images;
using Containers.Storage;

namespace Containers.Linux.Storage;

/// <summary>
/// Mounts an image read-only through the storage driver: a view snapshot <c>image-&lt;id&gt;</c> on the image's top
/// layer, mounted at <c>storage/&lt;driver&gt;/mounts/&lt;id&gt;</c> until it is unmounted.
/// </summary>
internal sealed class SnapshotImageMounter(IStorageDriver driver, IImageLayers layers, StoreLayout layout) : IImageMounter
{
    public async Task<string> MountAsync(ImageDetails image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var top = await layers.EnsureAsync(image, cancellationToken).ConfigureAwait(false);
        var target = Path.GetFullPath(MountPoint(image));
        if (OverlayMount.IsMountPoint(target))
        {
            return target;
        }

        IReadOnlyList<StorageMount> mounts;
        try
        {
            mounts = await driver.MountsAsync(Key(image), cancellationToken).ConfigureAwait(false);
        }
        catch (SnapshotNotFoundException)
        {
            mounts = await driver.ViewAsync(Key(image), top, cancellationToken).ConfigureAwait(false);
        }

        Directory.CreateDirectory(target);
        StorageMounts.Mount(mounts, target);
        return target;
    }

    public async Task UnmountAsync(ImageDetails image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var target = MountPoint(image);
        OverlayMount.Unmount(target);
        if (Directory.Exists(target))
        {
            Directory.Delete(target);
        }

        await driver.RemoveAsync(Key(image), cancellationToken).ConfigureAwait(false);
    }

    private static string Key(ImageDetails image) => "image-" + image.Id.Encoded;

    private string MountPoint(ImageDetails image) => Path.Combine(layout.Storage, driver.Name, "mounts", image.Id.Encoded);
}
