namespace Containers.Archives;

/// <summary>Reports an image archive or layout that is malformed, truncated or inconsistent; nothing from it was kept.</summary>
public sealed class InvalidArchiveException : ContainersException
{
    /// <summary>Initializes a new instance saying what is wrong.</summary>
    public InvalidArchiveException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
