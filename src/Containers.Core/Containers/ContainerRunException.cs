namespace Containers.Containers;

/// <summary>
/// Reports that <c>run</c> failed for a reason outside the engine's own errors (an I/O error, say); the container was
/// removed. <see cref="Exception.InnerException"/> holds the cause.
/// </summary>
public sealed class ContainerRunException : ContainersException
{
    /// <summary>Initializes a new instance for the container and the cause.</summary>
    public ContainerRunException(string id, string name, Exception innerException)
        : base($"could not run the container, so it was removed: {innerException?.Message}", innerException)
    {
        ForContainer(id, name);
    }
}
