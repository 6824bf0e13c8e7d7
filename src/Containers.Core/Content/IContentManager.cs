using Containers.Images;

namespace Containers.Content;

/// <summary>Lists and deletes blobs.</summary>
public interface IContentManager
{
    /// <summary>Lists every blob in the store.</summary>
    IAsyncEnumerable<BlobInfo> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes a blob; returns <see langword="false"/> when it was not there.</summary>
    /// <remarks>Deleting content that images still reference corrupts them; the image service's garbage collector is the safe caller.</remarks>
    Task<bool> DeleteAsync(Digest digest, CancellationToken cancellationToken = default);
}
