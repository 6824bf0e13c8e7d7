using Containers.Containers;
using Containers.Content;
using Containers.Hosting;
using Containers.Images;

namespace Containers.Linux.Storage;

/// <summary>
/// Gives each container a full, private copy of its image's layers in a plain directory (the vfs approach): works on
/// any file system, needs no mount, and costs a full unpack per container.
/// </summary>
internal sealed class VfsContainerRootfs(StoreLayout layout, IContentStore content) : IContainerRootfs
{
    private string Directory(string containerId) => Path.Combine(layout.Storage, "vfs", "containers", containerId);

    public async Task<string> MountAsync(string containerId, ImageDetails image, CancellationToken cancellationToken = default)
    {
        var directory = Directory(containerId);
        var rootfs = Path.Combine(directory, "rootfs");
        if (System.IO.Directory.Exists(rootfs))
        {
            return rootfs;
        }

        // Unpack beside the final name and rename, so a crash never leaves a half-unpacked root in use.
        var staging = Path.Combine(directory, "staging-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(staging);
        try
        {
            foreach (var layer in image.Layers)
            {
                var stream = await LayerStreams.OpenReadAheadAsync(content, layer, cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    await LayerApplier.ApplyAsync(stream, staging, WhiteoutFormat.Apply, cancellationToken).ConfigureAwait(false);
                    await stream.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false); // verifies the diff ID over the whole stream
                }
            }

            System.IO.Directory.Move(staging, rootfs);

            // Recorded after the move, which is the last thing that touches the unpacked files' change times.
            await VfsDiff.RecordAsync(rootfs, Manifest(containerId), cancellationToken).ConfigureAwait(false);
            return rootfs;
        }
        catch (Exception error)
        {
            System.IO.Directory.Delete(staging, recursive: true);
            if (error is not StorageFullException && StorageFullException.IsDiskFull(error))
            {
                throw new StorageFullException(directory, $"unpacking the layers of image {image.Id.ShortId} (nothing of them is kept) into", error);
            }

            throw;
        }
    }

    public Task WriteDiffAsync(string containerId, Stream destination, CancellationToken cancellationToken = default) =>
        VfsDiff.WriteAsync(Path.Combine(Directory(containerId), "rootfs"), Manifest(containerId), destination, cancellationToken);

    private string Manifest(string containerId) => Path.Combine(Directory(containerId), "unpacked.state");

    public Task UnmountAsync(string containerId, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task RemoveAsync(string containerId, CancellationToken cancellationToken = default)
    {
        var directory = Directory(containerId);
        if (System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }

        return Task.CompletedTask;
    }
}
