using Containers.Images;

namespace Containers.Linux.Storage;

/// <summary>Makes an image's layers committed snapshots of the storage driver, so containers and views can sit on them.</summary>
internal interface IImageLayers
{
    /// <summary>Unpacks whatever layers of the image are missing; returns the chain ID of its top layer, or <see langword="null"/> for an image without layers.</summary>
    Task<string?> EnsureAsync(ImageDetails image, CancellationToken cancellationToken = default);
}
