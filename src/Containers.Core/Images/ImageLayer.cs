using Containers.Oci;

namespace Containers.Images;

/// <summary>Describes one layer of an image.</summary>
/// <param name="Descriptor">The layer blob as the manifest lists it.</param>
/// <param name="DiffId">The digest of the uncompressed layer tar, from the configuration.</param>
public sealed record ImageLayer(Descriptor Descriptor, Digest DiffId);
