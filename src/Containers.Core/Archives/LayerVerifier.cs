using Containers.Content;
using Containers.Images;
using Containers.Oci;

namespace Containers.Archives;

/// <summary>Checks that a stored layer blob, once decompressed, hashes to the diff ID its image configuration gives.</summary>
internal static class LayerVerifier
{
    /// <summary>Detects the blob's compression from its bytes and verifies its uncompressed digest; returns the compression.</summary>
    /// <exception cref="DigestMismatchException">The uncompressed layer does not match <paramref name="diffId"/>.</exception>
    public static async Task<LayerCompression> VerifyDiffIdAsync(IContentProvider store, Digest blob, Digest diffId, CancellationToken cancellationToken)
    {
        var stream = await store.OpenReadAsync(blob, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var compression = CompressionDetector.Detect(stream);
            if (compression == LayerCompression.None)
            {
                if (blob != diffId)
                {
                    throw new DigestMismatchException(diffId, blob);
                }

                return compression;
            }

            try
            {
                var uncompressed = Decompression.Open(stream, compression, leaveOpen: true);
                await using (uncompressed.ConfigureAwait(false))
                {
                    var actual = await Digest.ComputeAsync(uncompressed, diffId.Algorithm, cancellationToken).ConfigureAwait(false);
                    return actual == diffId ? compression : throw new DigestMismatchException(diffId, actual);
                }
            }
            catch (Exception e) when (e is InvalidDataException or ZstdSharp.ZstdException)
            {
                throw new InvalidArchiveException($"layer {blob} is not valid {compression} data: {e.Message}", e);
            }
        }
    }
}
