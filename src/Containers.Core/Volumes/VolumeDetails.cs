namespace Containers.Volumes;

/// <summary>Describes a volume, as <c>docker volume inspect</c> does.</summary>
public sealed record VolumeDetails
{
    /// <summary>Gets the name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the driver (<c>local</c>).</summary>
    public required string Driver { get; init; }

    /// <summary>Gets the host directory holding the volume's data.</summary>
    public required string Mountpoint { get; init; }

    /// <summary>Gets when the volume was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets the labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the driver options.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the scope: always <c>local</c>.</summary>
    public string Scope { get; init; } = "local";

    /// <summary>Gets a value indicating whether the volume was made for a container without a name (an image's <c>VOLUME</c>, or <c>-v /path</c>).</summary>
    public bool Anonymous { get; init; }

    /// <summary>Gets the IDs of the containers that use the volume, running or not.</summary>
    public IReadOnlyList<string> UsedBy { get; init; } = [];
}
