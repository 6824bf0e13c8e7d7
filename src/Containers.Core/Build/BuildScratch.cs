using Containers.Hosting;

namespace Containers.Build;

/// <summary>
/// One build's scratch directory, <c>tmp/build-&lt;id&gt;</c> in the root (an unpacked context tar, files a
/// <c>COPY --from</c> extracts, cache entries being written), locked by the building process through
/// <c>tmp/build-&lt;id&gt;.lock</c>, so the next engine start deletes what a killed build left and never what a live
/// one uses.
/// </summary>
internal sealed class BuildScratch : IDisposable
{
    private const string Prefix = "build-";
    private const string LockSuffix = ".lock";
    private readonly FileLock _held;

    private BuildScratch(string path, FileLock held)
    {
        Path = path;
        _held = held;
    }

    /// <summary>Gets the scratch directory's full path.</summary>
    public string Path { get; }

    /// <summary>Creates a scratch directory under <paramref name="tempDirectory"/>, locked by this process until disposed.</summary>
    public static BuildScratch Create(string tempDirectory)
    {
        var path = System.IO.Path.Combine(tempDirectory, Prefix + Guid.NewGuid().ToString("N"));

        // Locked before the directory exists, so recovery never sees it unlocked while this process lives.
        var held = FileLock.TryAcquire(path + LockSuffix, exclusive: true)
            ?? throw new IOException($"the new lock file {path}{LockSuffix} is locked by another process; remove it");
        try
        {
            Directory.CreateDirectory(path);
            return new BuildScratch(path, held);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>Deletes the scratch directories whose build died (their lock is free); returns how many.</summary>
    public static int Reclaim(string tempDirectory)
    {
        if (!Directory.Exists(tempDirectory))
        {
            return 0;
        }

        var count = 0;
        foreach (var lockPath in Directory.EnumerateFiles(tempDirectory, Prefix + "*" + LockSuffix))
        {
            using var abandoned = FileLock.TryAcquire(lockPath, exclusive: true);
            if (abandoned is null)
            {
                continue; // a live build's
            }

            var directory = lockPath[..^LockSuffix.Length];
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
                count++;
            }

            File.Delete(lockPath);
        }

        return count;
    }

    /// <summary>Deletes the directory, then its lock file, then releases the lock.</summary>
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }

            File.Delete(Path + LockSuffix);
        }
        finally
        {
            _held.Dispose();
        }
    }
}
