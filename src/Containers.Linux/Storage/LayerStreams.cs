using Containers.Archives;
using Containers.Content;
using Containers.Images;
using Containers.Oci;

namespace Containers.Linux.Storage;

/// <summary>Opens a layer blob as its uncompressed tar, checking the compression its media type claims against its magic bytes and hashing for the diff ID.</summary>
internal static class LayerStreams
{
    /// <exception cref="Oci.UnsupportedMediaTypeException">The media type is not a layer, or the bytes are not compressed as it says.</exception>
    public static async Task<VerifyingReadStream> OpenAsync(IContentProvider content, ImageLayer layer, CancellationToken cancellationToken)
    {
        if (!MediaTypes.TryGetLayerCompression(layer.Descriptor.MediaType, out var declared))
        {
            throw new UnsupportedMediaTypeException(layer.Descriptor.MediaType, "a layer");
        }

        var blob = await content.OpenReadAsync(layer.Descriptor.Digest, cancellationToken).ConfigureAwait(false);
        var actual = CompressionDetector.Detect(blob);
        if (actual != declared && !(declared == LayerCompression.None && actual != LayerCompression.None && layer.Descriptor.MediaType == MediaTypes.DockerLayer))
        {
            await blob.DisposeAsync().ConfigureAwait(false);
            throw new UnsupportedMediaTypeException(layer.Descriptor.MediaType, $"layer {layer.Descriptor.Digest}: its content is {actual}-compressed");
        }

        return new VerifyingReadStream(Decompression.Open(blob, actual), layer.DiffId);
    }

    /// <summary>Opens the layer like <see cref="OpenAsync"/>, decompressing and hashing on a task of its own while the caller unpacks.</summary>
    /// <exception cref="Oci.UnsupportedMediaTypeException">The media type is not a layer, or the bytes are not compressed as it says.</exception>
    public static async Task<Stream> OpenReadAheadAsync(IContentProvider content, ImageLayer layer, CancellationToken cancellationToken) =>
        new ReadAheadStream(await OpenAsync(content, layer, cancellationToken).ConfigureAwait(false));
}
