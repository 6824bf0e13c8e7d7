namespace Containers.Images;

/// <summary>Reports an image operation that would be ambiguous or lose names without being forced.</summary>
public sealed class ImageConflictException : ContainersException
{
    /// <summary>Initializes a new instance with a message saying what conflicts and how to proceed.</summary>
    public ImageConflictException(string message)
        : base(message)
    {
    }
}
