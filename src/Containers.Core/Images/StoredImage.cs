using Containers.Oci;

namespace Containers.Images;

/// <summary>One image as the store holds it: the index entries naming it and its resolved manifest.</summary>
internal sealed class StoredImage(Digest id, Descriptor manifestDescriptor, ImageManifest manifest)
{
    /// <summary>Gets the configuration digest, which is the image ID.</summary>
    public Digest Id { get; } = id;

    /// <summary>Gets the platform manifest's descriptor.</summary>
    public Descriptor ManifestDescriptor { get; } = manifestDescriptor;

    public ImageManifest Manifest { get; } = manifest;

    /// <summary>Gets the <c>index.json</c> entries that lead to this image (named and unnamed).</summary>
    public List<Descriptor> Entries { get; } = [];

    public List<ImageReference> Names { get; } = [];

    /// <summary>Gets the digests of every manifest or index entry that leads here, for matching entries on update.</summary>
    public HashSet<Digest> EntryDigests => Entries.Select(e => e.Digest).Append(ManifestDescriptor.Digest).ToHashSet();

    public long Size => Manifest.Config.Size + Manifest.Layers.Sum(l => l.Size);
}
