using Containers.Internal;

namespace Containers.Hosting;

/// <summary>Replaces files so that readers see either the old or the new content, never a mix, even after a crash.</summary>
public static class AtomicFile
{
    /// <summary>Writes to a temporary file beside <paramref name="path"/>, flushes it to disk, then renames it over the target.</summary>
    /// <exception cref="StorageFullException">The file system is full, and the directory's <see cref="SpaceReserve"/> (if any) is spent.</exception>
    /// <remarks>
    /// Written synchronously: the content is in memory and small (records, states, indexes), and an asynchronous file
    /// write on Linux runs on another thread-pool thread, one more wake-up per write.
    /// </remarks>
    public static Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        while (true)
        {
            try
            {
                WriteOnce(path, directory, content.Span);
                return Task.CompletedTask;
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

    private static void WriteOnce(string path, string directory, ReadOnlySpan<byte> content)
    {
        var temp = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N")[..12] + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
            {
                stream.Write(content);
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
