using Containers.Images;

namespace Containers.Containers;

/// <summary>
/// Provides each container's root filesystem: the image's layers with a writable layer on top, mounted while it runs.
/// </summary>
/// <remarks>Storage drivers implement this. Every method is idempotent, so a crashed process's work can be redone.</remarks>
public interface IContainerRootfs
{
    /// <summary>Creates the container's writable layer over the image when it has none, mounts it, and returns the mount point.</summary>
    Task<string> MountAsync(string containerId, ImageDetails image, CancellationToken cancellationToken = default);

    /// <summary>Unmounts the container's root filesystem, keeping its writable layer.</summary>
    Task UnmountAsync(string containerId, CancellationToken cancellationToken = default);

    /// <summary>Unmounts and deletes the container's writable layer.</summary>
    Task RemoveAsync(string containerId, CancellationToken cancellationToken = default);

    /// <summary>Writes the container's changes to its image as an uncompressed layer tar, with whiteouts for deletions.</summary>
    /// <exception cref="NotSupportedException">The storage driver cannot tell changes from the image's content.</exception>
    Task WriteDiffAsync(string containerId, Stream destination, CancellationToken cancellationToken = default);
}
