using Containers.Images;
using Containers.Oci;
using Containers.Storage;

namespace Containers.Linux.Storage;

/// <summary>
/// The layer unpacker of the vfs driver: a pull only computes chain IDs, since each vfs layer is a full copy of the ones
/// below; <see cref="SnapshotLayerImporter"/> imports the layers when a container or a mount first needs them.
/// </summary>
internal sealed class CopyingLayerUnpacker : ILayerUnpacker
{
    public Task<Digest> ApplyLayerAsync(Descriptor layer, Digest diffId, Digest? parentChainId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return Task.FromResult(ChainId.Next(parentChainId, diffId));
    }
}
