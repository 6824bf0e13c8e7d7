using Containers.Images;

namespace Containers.Storage;

/// <summary>Mounts an image's root filesystem read-only on the host, to look inside it (<c>containers image mount</c>).</summary>
public interface IImageMounter
{
    /// <summary>Unpacks any missing layers, mounts the image read-only and returns the mount point; mounting twice returns the same path.</summary>
    Task<string> MountAsync(ImageDetails image, CancellationToken cancellationToken = default);

    /// <summary>Unmounts the image; does nothing when it is not mounted.</summary>
    Task UnmountAsync(ImageDetails image, CancellationToken cancellationToken = default);
}
