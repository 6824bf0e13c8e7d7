using Containers.Images;

namespace Containers.Content;

/// <summary>Reads blobs by digest.</summary>
public interface IContentProvider
{
    /// <summary>Gets a blob's size and age, or <see langword="null"/> when the store does not hold it.</summary>
    ValueTask<BlobInfo?> GetInfoAsync(Digest digest, CancellationToken cancellationToken = default);

    /// <summary>Opens a blob for reading.</summary>
    /// <exception cref="BlobNotFoundException">The store does not hold the blob.</exception>
    ValueTask<Stream> OpenReadAsync(Digest digest, CancellationToken cancellationToken = default);
}
