namespace Containers.Containers;

/// <summary>Reports a container name or ID that the store does not hold.</summary>
public sealed class ContainerNotFoundException : ContainersException
{
    /// <summary>Initializes a new instance for the name or ID looked up.</summary>
    public ContainerNotFoundException(string container)
        : base($"No such container: {container}")
    {
        Container = container;
    }

    /// <summary>Gets the name or ID looked up.</summary>
    public string Container { get; }
}
