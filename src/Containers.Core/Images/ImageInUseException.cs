namespace Containers.Images;

/// <summary>Reports an image that cannot be removed because containers use it; remove them first or force the removal.</summary>
public sealed class ImageInUseException : ContainersException
{
    /// <summary>Initializes a new instance for the image and the containers using it.</summary>
    public ImageInUseException(string image, Digest imageId, IReadOnlyList<string> containerIds)
        : base($"conflict: unable to remove image {image} (must force) - container {string.Join(", ", containerIds.Select(c => c.Length > 12 ? c[..12] : c))} is using its referenced image {imageId.ShortId}")
    {
        ArgumentNullException.ThrowIfNull(containerIds);
        Image = image;
        ImageId = imageId;
        ContainerIds = containerIds;
    }

    /// <summary>Gets the name or ID that was to be removed.</summary>
    public string Image { get; }

    /// <summary>Gets the image's ID.</summary>
    public Digest ImageId { get; }

    /// <summary>Gets the containers using the image.</summary>
    public IReadOnlyList<string> ContainerIds { get; }
}
