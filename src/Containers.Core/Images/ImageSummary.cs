namespace Containers.Images;

/// <summary>Describes an image for listings: its ID, names, age and size.</summary>
public sealed record ImageSummary
{
    /// <summary>Gets the image ID: the digest of its configuration.</summary>
    public required Digest Id { get; init; }

    /// <summary>Gets the digest of its manifest.</summary>
    public required Digest ManifestDigest { get; init; }

    /// <summary>Gets the names pointing at it; empty for a dangling image.</summary>
    public required IReadOnlyList<ImageReference> Names { get; init; }

    /// <summary>Gets when it was created, from its configuration.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>Gets the size of its content: configuration and layers, as stored (compressed when the layers are).</summary>
    public required long Size { get; init; }

    /// <summary>Gets a value indicating whether no name points at it.</summary>
    public bool Dangling => Names.Count == 0;
}
