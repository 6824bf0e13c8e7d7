using Containers.Images;

namespace Containers.Content;

/// <summary>Writes blobs into the store, verified before they become visible.</summary>
public interface IContentIngester
{
    /// <summary>
    /// Starts writing a blob to a private temporary file. Nothing is visible until
    /// <see cref="BlobWriter.CommitAsync"/> verifies it; disposing an uncommitted writer discards it.
    /// </summary>
    ValueTask<BlobWriter> BeginWriteAsync(CancellationToken cancellationToken = default);

    /// <summary>Copies a stream into the store, verifying it against the expected digest and size when given.</summary>
    /// <exception cref="DigestMismatchException">The content does not match; nothing was stored.</exception>
    Task<BlobInfo> WriteAsync(Stream content, Digest? expected = null, long? expectedSize = null, CancellationToken cancellationToken = default);
}
