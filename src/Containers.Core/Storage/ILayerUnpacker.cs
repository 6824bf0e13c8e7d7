using Containers.Images;
using Containers.Oci;

namespace Containers.Storage;

/// <summary>
/// Unpacks one layer as soon as its blob is in the content store, so a pull can overlap downloading later layers with
/// unpacking earlier ones.
/// </summary>
/// <remarks>
/// <para>
/// Calls are idempotent per chain ID: a layer already unpacked (by this or another process sharing the store) is not
/// unpacked again, and concurrent calls for the same layer unpack it once. Calls for the layers of one image may run
/// concurrently and in any order: each layer's content is unpacked at once, and it is committed when its parent is.
/// </para>
/// <para>
/// With the vfs storage driver, whose layers are full copies of the ones below, calls only compute the chain ID: its
/// layers are imported when a container first needs them.
/// </para>
/// </remarks>
/// <example>
/// In a pull, after the blob of layer <c>i</c> (descriptor <c>layers[i]</c>, diff ID <c>diffIds[i]</c> from the image
/// configuration) was written and verified:
/// <code>
/// Digest? parent = null;
/// for (var i = 0; i &lt; layers.Count; i++)
/// {
///     parent = await unpacker.ApplyLayerAsync(layers[i], diffIds[i], parent, cancellationToken);
/// }
/// </code>
/// or start one call per layer as each blob lands, passing <c>ChainId.Compute(diffIds)[i - 1]</c> as the parent, and
/// await them all.
/// </example>
public interface ILayerUnpacker
{
    /// <summary>Unpacks a layer whose blob is in the content store on top of the layers of <paramref name="parentChainId"/>.</summary>
    /// <param name="layer">The layer's descriptor from the manifest; its blob must already be in the content store.</param>
    /// <param name="diffId">The digest of the layer's uncompressed tar, from the image configuration; the unpacked bytes are checked against it.</param>
    /// <param name="parentChainId">The chain ID of the layers below, or <see langword="null"/> for the base layer.</param>
    /// <param name="cancellationToken">Cancels the unpack, or the wait for the parent layer.</param>
    /// <returns>The layer's chain ID, to pass as the parent of the next layer.</returns>
    /// <remarks>When the parent layer is not unpacked yet, the call waits until a concurrent call (in this or another process) commits it.</remarks>
    /// <exception cref="Content.BlobNotFoundException">The layer's blob is not in the content store.</exception>
    /// <exception cref="LayerApplyException">An entry of the layer is malformed, ambiguous or cannot be applied.</exception>
    /// <exception cref="DigestMismatchException">The uncompressed layer does not match <paramref name="diffId"/>.</exception>
    Task<Digest> ApplyLayerAsync(Descriptor layer, Digest diffId, Digest? parentChainId, CancellationToken cancellationToken = default);
}
