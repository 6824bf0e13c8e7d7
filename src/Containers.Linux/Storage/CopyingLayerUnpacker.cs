using Containers.Images;
using Containers.Oci;
using Containers.Storage;

namespace Containers.Linux.Storage;

/// <summary>The layer unpacker of the vfs driver, which copies every image into each container and so keeps no layers to unpack ahead.</summary>
internal sealed class CopyingLayerUnpacker : ILayerUnpacker
{
    public Task<Digest> ApplyLayerAsync(Descriptor layer, Digest diffId, Digest? parentChainId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return Task.FromResult(ChainId.Next(parentChainId, diffId));
    }
}
