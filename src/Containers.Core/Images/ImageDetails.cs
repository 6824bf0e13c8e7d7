using Containers.Oci;

namespace Containers.Images;

/// <summary>Describes an image fully, as <c>inspect</c> shows it: names, platform, run defaults, layers and history.</summary>
public sealed record ImageDetails
{
    /// <summary>Gets the image ID: the digest of its configuration.</summary>
    public required Digest Id { get; init; }

    /// <summary>Gets the manifest's descriptor.</summary>
    public required Descriptor ManifestDescriptor { get; init; }

    /// <summary>Gets the manifest.</summary>
    public required ImageManifest Manifest { get; init; }

    /// <summary>Gets the configuration.</summary>
    public required ImageConfiguration Configuration { get; init; }

    /// <summary>Gets the names pointing at the image.</summary>
    public required IReadOnlyList<ImageReference> Names { get; init; }

    /// <summary>Gets the layers, base first, with their diff IDs.</summary>
    public required IReadOnlyList<ImageLayer> Layers { get; init; }

    /// <summary>Gets the name-by-digest forms (<c>repository@sha256:...</c>) under which the manifest can be pulled.</summary>
    public IReadOnlyList<string> RepoDigests =>
        Names.Select(n => n.Name + "@" + ManifestDescriptor.Digest).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Gets the platform the image is for.</summary>
    public Platform Platform => new() { OS = Configuration.OS, Architecture = Configuration.Architecture, Variant = Configuration.Variant, OSVersion = Configuration.OSVersion };

    /// <summary>Gets the size of configuration and layers as stored.</summary>
    public long Size => Manifest.Config.Size + Layers.Sum(l => l.Descriptor.Size);
}
