using Containers.Images;

namespace Containers.Content;

/// <summary>Writes blobs into the store, verified before they become visible.</summary>
/// <remarks><see cref="ContentStoreExtensions"/> builds whole-stream and in-memory writes on this.</remarks>
public interface IContentIngester
{
    /// <summary>
    /// Starts writing a blob hashed with <paramref name="algorithm"/> (the default is SHA-256). Nothing is visible until
    /// <see cref="BlobWriter.CommitAsync"/> verifies it; disposing an uncommitted writer discards it.
    /// </summary>
    ValueTask<BlobWriter> BeginWriteAsync(DigestAlgorithm? algorithm = null, CancellationToken cancellationToken = default);
}
