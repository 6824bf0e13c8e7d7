namespace Containers.Volumes;

/// <summary>Reports a volume that cannot be removed because containers use it; remove them first or force the removal.</summary>
public sealed class VolumeInUseException : ContainersException
{
    /// <summary>Initializes a new instance for the volume and the containers using it.</summary>
    public VolumeInUseException(string name, IReadOnlyList<string> containerIds)
        : base($"remove {name}: volume is in use - [{string.Join(", ", containerIds)}]; remove those containers first, or force the removal")
    {
        ArgumentNullException.ThrowIfNull(containerIds);
        Name = name;
        ContainerIds = containerIds;
    }

    /// <summary>Gets the volume's name.</summary>
    public string Name { get; }

    /// <summary>Gets the IDs of the containers using the volume.</summary>
    public IReadOnlyList<string> ContainerIds { get; }
}
