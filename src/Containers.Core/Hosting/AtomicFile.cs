using Containers.Internal;

namespace Containers.Hosting;

/// <summary>Replaces files so that readers see either the old or the new content, never a mix, even after a crash.</summary>
/// <remarks>
/// The files are small metadata (records, states, indexes): they are written synchronously on the caller's thread. On
/// Linux an asynchronous file write is the same blocking write queued to the thread pool, so each one cost a hop
/// between threads (and on two cores, sometimes a wait for a free thread) for a write of a few hundred bytes.
/// </remarks>
public static class AtomicFile
{
    /// <summary>Writes to a temporary file beside <paramref name="path"/>, flushes it to disk, then renames it over the target.</summary>
    /// <exception cref="StorageFullException">The file system is full, and the directory's <see cref="SpaceReserve"/> (if any) is spent.</exception>
    public static Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        try
        {
            WriteAllBytes(path, content.Span);
            return Task.CompletedTask;
        }
        catch (Exception e)
        {
            return Task.FromException(e); // as an async method would: the caller sees it where it awaits
        }
    }

    /// <summary>Writes to a temporary file beside <paramref name="path"/>, flushes it to disk, then renames it over the target.</summary>
    /// <exception cref="StorageFullException">The file system is full, and the directory's <see cref="SpaceReserve"/> (if any) is spent.</exception>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        while (true)
        {
            try
            {
                WriteOnce(path, directory, content);
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

    private static void WriteOnce(string path, string directory, ReadOnlySpan<byte> content)
    {
        var temp = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N")[..12] + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
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
