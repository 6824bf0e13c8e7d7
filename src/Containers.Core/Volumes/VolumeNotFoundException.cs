namespace Containers.Volumes;

/// <summary>Reports a volume that does not exist; list them with <c>volume ls</c>.</summary>
public sealed class VolumeNotFoundException : ContainersException
{
    /// <summary>Initializes a new instance for the volume name.</summary>
    public VolumeNotFoundException(string name)
        : base($"no such volume: {name}; list volumes with 'volume ls', or create it with 'volume create {name}'")
    {
        Name = name;
    }

    /// <summary>Gets the name that was not found.</summary>
    public string Name { get; }
}
