namespace Containers.Volumes;

/// <summary>Reports a volume name Docker would refuse: it must match <c>[a-zA-Z0-9][a-zA-Z0-9_.-]+</c>.</summary>
public sealed class InvalidVolumeNameException : ContainersException
{
    /// <summary>Initializes a new instance for the refused name.</summary>
    public InvalidVolumeNameException(string name)
        : base($"\"{name}\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path")
    {
        Name = name;
    }

    /// <summary>Gets the refused name.</summary>
    public string Name { get; }
}
