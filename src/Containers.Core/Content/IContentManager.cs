using Containers.Images;

namespace Containers.Content;

/// <summary>Lists and deletes blobs, and keeps deletion away from blobs that are being written and referenced.</summary>
public interface IContentManager
{
    /// <summary>Lists every blob in the store.</summary>
    IAsyncEnumerable<BlobInfo> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes a blob; returns <see langword="false"/> when it was not there.</summary>
    /// <remarks>Deleting content that images still reference corrupts them; the image service's garbage collector is the safe caller.</remarks>
    Task<bool> DeleteAsync(Digest digest, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the collection lock: shared by writers that add content and then reference it, exclusive for garbage
    /// collection, so a collection never deletes a blob between its write and the reference to it. Dispose to release.
    /// </summary>
    /// <exception cref="LockTimeoutException">Another holder kept the lock too long.</exception>
    Task<IDisposable> AcquireCollectionLockAsync(bool exclusive, CancellationToken cancellationToken = default);
}
