namespace Containers.Internal;

/// <summary>
/// Keeps a little disk space aside in a directory, as a preallocated <c>.reserve</c> file, so the small records kept
/// there (a container's state and exit code) can still be written when what shares the file system (the container's
/// own writable layer) has filled it.
/// </summary>
/// <remarks>
/// A write that fails for lack of space gives back one slice of the reserve and retries; the reserve grows back once
/// there is room. The container monitor (native) deletes the file when even its preallocated exit record does not fit.
/// </remarks>
internal static class SpaceReserve
{
    /// <summary>The reserve's file name; native code uses the same name.</summary>
    public const string FileName = ".reserve";

    /// <summary>The reserve's size: room for a dozen rewrites of a state file in 4 KiB pages.</summary>
    public const int Size = 64 * 1024;

    private const int Slice = 16 * 1024;

    /// <summary>Creates or completes the reserve when there is room; does nothing (and never fails) otherwise.</summary>
    public static void Ensure(string directory)
    {
        var path = Path.Combine(directory, FileName);
        try
        {
            if (File.Exists(path) && new FileInfo(path).Length >= Size)
            {
                return;
            }

            File.Delete(path);
            Preallocate(path, Size);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No room yet (or no directory): the next successful write tries again.
        }
    }

    /// <summary>Creates <paramref name="path"/> with <paramref name="size"/> bytes allocated on disk (fallocate), so a later write into them cannot fail for space.</summary>
    /// <exception cref="IOException">There is no room.</exception>
    /// <remarks>Written as zeros rather than with <c>fallocate</c>: the BCL's preallocation keeps the length 0, so a reserve could not tell how much it holds.</remarks>
    public static void Preallocate(string path, long size)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite, 1);
            file.Write(new byte[size]);
            file.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>Preallocates <paramref name="path"/> when there is room; returns whether it did.</summary>
    public static bool TryPreallocate(string path, long size)
    {
        try
        {
            Preallocate(path, size);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Gives back a slice of the reserve in <paramref name="directory"/>; returns whether there was any to give.</summary>
    public static bool Release(string directory)
    {
        var path = Path.Combine(directory, FileName);
        try
        {
            var length = new FileInfo(path).Length;
            if (length <= Slice)
            {
                File.Delete(path);
                return length > 0;
            }

            using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
            file.SetLength(length - Slice);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }
}
