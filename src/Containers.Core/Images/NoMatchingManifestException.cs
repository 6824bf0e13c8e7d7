namespace Containers.Images;

/// <summary>Reports a multi-platform image that has no manifest for the platform asked for.</summary>
public sealed class NoMatchingManifestException : ContainersException
{
    /// <summary>Initializes a new instance naming the platform wanted and those available.</summary>
    public NoMatchingManifestException(Platform wanted, IReadOnlyList<Platform> available)
        : base($"no matching manifest for {wanted} in the manifest list entries (available: {(available.Count == 0 ? "none" : string.Join(", ", available))}); choose a platform the image has")
    {
        ArgumentNullException.ThrowIfNull(available);
        Wanted = wanted;
        Available = available;
    }

    /// <summary>Gets the platform asked for.</summary>
    public Platform Wanted { get; }

    /// <summary>Gets the platforms the image has.</summary>
    public IReadOnlyList<Platform> Available { get; }
}
