namespace Containers.Containers;

/// <summary>Reports an operation the container's current state does not allow (removing a running container, pausing a stopped one).</summary>
public sealed class ContainerStateException : ContainersException
{
    /// <summary>Initializes a new instance naming the container, its state, and what to do.</summary>
    public ContainerStateException(string containerId, ContainerStatus status, string message)
        : base(message)
    {
        ContainerId = containerId;
        Status = status;
    }

    /// <summary>Gets the container's ID.</summary>
    public string ContainerId { get; }

    /// <summary>Gets the state that refused the operation.</summary>
    public ContainerStatus Status { get; }
}
