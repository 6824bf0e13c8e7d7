namespace Containers.Containers;

/// <summary>Reports a container name that another container already has.</summary>
public sealed class ContainerNameConflictException : ContainersException
{
    /// <summary>Initializes a new instance for the name and the container holding it.</summary>
    public ContainerNameConflictException(string name, string existingId)
        : base($"Conflict. The container name \"/{name}\" is already in use by container \"{existingId}\". You have to remove (or rename) that container to be able to reuse that name.")
    {
        Name = name;
        ExistingId = existingId;
    }

    /// <summary>Gets the name asked for.</summary>
    public string Name { get; }

    /// <summary>Gets the ID of the container that has it.</summary>
    public string ExistingId { get; }
}
