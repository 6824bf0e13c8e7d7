using Containers.Internal;

namespace Containers.Hosting;

/// <summary>Replaces files so that readers see either the old or the new content, never a mix, even after a crash.</summary>
public static class AtomicFile
{
    /// <summary>Writes to a temporary file beside <paramref name="path"/>, flushes it to disk, then renames it over the target.</summary>
    /// <exception cref="StorageFullException">The file system is full, and the directory's <see cref="SpaceReserve"/> (if any) is spent.</exception>
    public static async Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        while (true)
        {
            try
            {
                await WriteOnceAsync(path, directory, content, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (IOException e) when (StorageFullException.IsDiskFull(e))
            {
                if (!SpaceReserve.Release(directory))
                {
                    throw new StorageFullException(path, "writing", e);
                }
            }
        }
    }

    private static async Task WriteOnceAsync(string path, string directory, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N")[..12] + ".tmp");
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
