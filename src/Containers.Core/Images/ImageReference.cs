using System.Diagnostics.CodeAnalysis;

namespace Containers.Images;

/// <summary>
/// Names an image in a registry: <c>[registry/]repository[:tag][@digest]</c>, normalised as Docker does
/// (<c>ubuntu</c> is <c>docker.io/library/ubuntu:latest</c>).
/// </summary>
/// <remarks>
/// Parsing follows the grammar of <c>distribution/reference</c> with a hand-written, linear-time parser.
/// The first path component is a registry host when it contains a dot or a colon, is <c>localhost</c>,
/// or holds an uppercase letter; otherwise the reference is on Docker Hub. A reference with neither
/// tag nor digest gets the tag <c>latest</c>. Both a tag and a digest may be given; the digest then
/// decides the content and the tag is informational.
/// </remarks>
public sealed partial class ImageReference : IEquatable<ImageReference>
{
    /// <summary>The registry used when a reference names none.</summary>
    public const string DefaultRegistry = "docker.io";

    /// <summary>The tag used when a reference has neither tag nor digest.</summary>
    public const string DefaultTag = "latest";

    /// <summary>The longest registry plus repository name accepted, in characters.</summary>
    public const int MaxNameLength = 255;

    /// <summary>The longest tag accepted, in characters.</summary>
    public const int MaxTagLength = 128;

    private ImageReference(string registry, string repository, string? tag, Digest? digest)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>Gets the registry host, with its port when one was given (<c>docker.io</c>, <c>localhost:5000</c>).</summary>
    public string Registry { get; }

    /// <summary>Gets the repository path within the registry (<c>library/ubuntu</c>).</summary>
    public string Repository { get; }

    /// <summary>Gets the tag, or <see langword="null"/> for a reference by digest alone.</summary>
    public string? Tag { get; }

    /// <summary>Gets the digest, or <see langword="null"/> for a reference by tag.</summary>
    public Digest? Digest { get; }

    /// <summary>Gets the registry and repository without tag or digest (<c>docker.io/library/ubuntu</c>).</summary>
    public string Name => Registry + "/" + Repository;

    /// <summary>Gets the short form Docker prints: Docker Hub's registry and <c>library/</c> are left out (<c>ubuntu:latest</c>).</summary>
    public string FamiliarName
    {
        get
        {
            var name = Registry == DefaultRegistry
                ? (Repository.StartsWith("library/", StringComparison.Ordinal) && Repository.IndexOf('/', 8) < 0 ? Repository[8..] : Repository)
                : Name;
            return name + Suffix;
        }
    }

    private string Suffix => (Tag is null ? string.Empty : ":" + Tag) + (Digest is null ? string.Empty : "@" + Digest);

    /// <summary>Parses and normalises a reference.</summary>
    /// <exception cref="InvalidReferenceException">The text is not a valid reference; the exception names the problem.</exception>
    public static ImageReference Parse(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var result = ReferenceParser.Parse(reference, out var error, out var detail);
        return result ?? throw new InvalidReferenceException(reference, error, detail);
    }

    /// <summary>Parses and normalises a reference, returning <see langword="false"/> when it is invalid.</summary>
    public static bool TryParse([NotNullWhen(true)] string? reference, [NotNullWhen(true)] out ImageReference? result)
    {
        result = reference is null ? null : ReferenceParser.Parse(reference, out _, out _);
        return result is not null;
    }

    /// <summary>Returns this reference with another tag, dropping the digest.</summary>
    /// <exception cref="InvalidReferenceException">The tag is invalid.</exception>
    public ImageReference WithTag(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (!ReferenceParser.IsValidTag(tag))
        {
            throw new InvalidReferenceException(tag, ReferenceError.InvalidTag, "a tag is 1 to 128 characters of [A-Za-z0-9_.-] and cannot start with '.' or '-'");
        }

        return new ImageReference(Registry, Repository, tag, null);
    }

    /// <summary>Returns this reference pinned to a digest, keeping the tag.</summary>
    public ImageReference WithDigest(Digest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return new ImageReference(Registry, Repository, Tag, digest);
    }

    /// <summary>Returns this reference without its digest; a reference left with no tag gets <c>latest</c>.</summary>
    public ImageReference WithoutDigest() => new(Registry, Repository, Tag ?? DefaultTag, null);

    internal static ImageReference Create(string registry, string repository, string? tag, Digest? digest) =>
        new(registry, repository, tag, digest);

    /// <summary>Returns the full normalised form, <c>registry/repository[:tag][@digest]</c>.</summary>
    public override string ToString() => Name + Suffix;

    /// <inheritdoc/>
    public bool Equals(ImageReference? other) =>
        other is not null && string.Equals(ToString(), other.ToString(), StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ImageReference);

    /// <inheritdoc/>
    public override int GetHashCode() => string.GetHashCode(ToString(), StringComparison.Ordinal);
}
