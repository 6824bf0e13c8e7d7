namespace Containers.Images;

/// <summary>Reports an image name or ID that the store does not hold.</summary>
public sealed class ImageNotFoundException : ContainersException
{
    /// <summary>Initializes a new instance for the name or ID that was looked up.</summary>
    public ImageNotFoundException(string image)
        : base($"No such image: {image}")
    {
        Image = image;
    }

    /// <summary>Initializes a new instance that says why the image could not be had, and what to do about it.</summary>
    public ImageNotFoundException(string image, string reason, Exception? innerException = null)
        : base($"No such image: {image}: {reason}", innerException)
    {
        Image = image;
    }

    /// <summary>Gets the name or ID that was looked up.</summary>
    public string Image { get; }
}
