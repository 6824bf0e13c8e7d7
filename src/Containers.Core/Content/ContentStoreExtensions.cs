using Containers.Images;
using Containers.Oci;

namespace Containers.Content;

/// <summary>Whole-blob reads and writes built on the narrow content interfaces, so a store implements only the core.</summary>
public static class ContentStoreExtensions
{
    /// <summary>Reads a whole blob into memory, refusing blobs larger than <paramref name="maxSize"/>.</summary>
    /// <exception cref="BlobNotFoundException">The store does not hold the blob.</exception>
    /// <exception cref="ContentTooLargeException">The blob is larger than allowed.</exception>
    public static async Task<byte[]> ReadAllBytesAsync(this IContentProvider content, Digest digest, int maxSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var stream = await content.OpenReadAsync(digest, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            if (stream.Length > maxSize)
            {
                throw new ContentTooLargeException("blob " + digest, stream.Length, maxSize);
            }

            var bytes = new byte[stream.Length];
            if (stream is FileStream)
            {
                // A local file of at most maxSize (a manifest, a config): read on this thread, as an asynchronous read
                // of a regular file is the same blocking read queued to the thread pool on Linux.
                stream.ReadExactly(bytes);
            }
            else
            {
                await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            }

            return bytes;
        }
    }

    /// <summary>
    /// Copies a stream into the store, verifying it against the expected digest and size when given; returns at once,
    /// without reading the stream, when the store already holds the expected blob.
    /// </summary>
    /// <exception cref="DigestMismatchException">The content does not match; nothing was stored.</exception>
    public static async Task<BlobInfo> WriteAsync(this IContentStore content, Stream source, Digest? expected = null, long? expectedSize = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(source);
        if (expected is not null && await content.GetInfoAsync(expected, cancellationToken).ConfigureAwait(false) is { } existing
            && (expectedSize is null || existing.Size == expectedSize))
        {
            return existing;
        }

        var writer = await content.BeginWriteAsync(expected?.Algorithm, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            await writer.CopyFromAsync(source, cancellationToken).ConfigureAwait(false);
            return await writer.CommitAsync(expected, expectedSize, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stores a small blob held in memory (a manifest, a config), hashed with SHA-256; a blob already held is not written again.</summary>
    public static async Task<BlobInfo> WriteAsync(this IContentStore content, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var digest = Digest.Compute(bytes.Span);
        if (await content.GetInfoAsync(digest, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return existing;
        }

        var writer = await content.BeginWriteAsync(DigestAlgorithm.Sha256, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            await writer.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            return await writer.CommitAsync(digest, bytes.Length, cancellationToken).ConfigureAwait(false);
        }
    }
}
