namespace Containers.Images;

/// <summary>Tells the image service which images containers use, so it neither removes nor collects them.</summary>
public interface IImageUsageSource
{
    /// <summary>Lists the images in use, one entry per container.</summary>
    IAsyncEnumerable<ImageUse> GetImageUsesAsync(CancellationToken cancellationToken = default);
}

/// <summary>Says that a container uses an image.</summary>
/// <param name="ContainerId">The container's ID.</param>
/// <param name="ImageId">The image's ID (its configuration digest).</param>
/// <param name="ManifestDigest">The digest of the manifest the container was created from.</param>
public sealed record ImageUse(string ContainerId, Digest ImageId, Digest ManifestDigest);
