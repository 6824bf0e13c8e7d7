using Containers.Hosting;
using Containers.Internal;

namespace Containers.Images;

/// <summary>
/// Orders creating containers against removing images, across processes: a create holds it shared from looking the
/// image up until its record (which marks the image in use) is written; removal and pruning hold it exclusive while
/// they decide which images are unused and drop them. So a container is never created from an image being removed.
/// </summary>
internal sealed class ImageUseLock(StoreLayout layout)
{
    private readonly string _path = layout.Lock("image-use");

    /// <summary>Takes the lock for a container create.</summary>
    public Task<FileLock> SharedAsync(CancellationToken cancellationToken) => FileLock.AcquireAsync(_path, exclusive: false, cancellationToken);

    /// <summary>Takes the lock for an image removal or prune.</summary>
    public Task<FileLock> ExclusiveAsync(CancellationToken cancellationToken) => FileLock.AcquireAsync(_path, exclusive: true, cancellationToken);
}
