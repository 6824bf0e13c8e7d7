using Containers.Internal;

namespace Containers.Hosting;

/// <summary>
/// Holds an advisory lock on a file, shared or exclusive, across threads and processes.
/// </summary>
/// <remarks>
/// .NET locks a file opened with <see cref="FileShare.None"/> with <c>flock(LOCK_EX)</c> on Unix and a share-mode lock
/// on Windows; any other share mode on a read-only open takes <c>LOCK_SH</c>. flock locks belong to the open file
/// description, so two opens in one process exclude each other as two processes do. Acquisition polls with a short
/// back-off because the BCL only offers non-blocking attempts; that keeps waiting asynchronous and cancellable.
/// </remarks>
public sealed class FileLock : IDisposable
{
    private readonly FileStream _stream;

    private FileLock(FileStream stream, string path)
    {
        _stream = stream;
        Path = path;
    }

    static FileLock()
    {
        if ((AppContext.TryGetSwitch("System.IO.DisableFileLocking", out var disabled) && disabled)
            || Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING") is "1" or "true")
        {
            LockingDisabled = true;
        }
    }

    /// <summary>Gets a value indicating whether the process turned off .NET file locking, which the store needs.</summary>
    public static bool LockingDisabled { get; }

    /// <summary>Gets the lock file.</summary>
    public string Path { get; }

    /// <summary>Gets how long a wait lasts when the caller gives no timeout: long enough for any holder that works, finite for one that is stuck.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromMinutes(5);

    /// <summary>Waits for the lock, at most <see cref="DefaultTimeout"/>.</summary>
    /// <exception cref="LockTimeoutException">The lock stayed held for <see cref="DefaultTimeout"/>; the message names the holders.</exception>
    /// <exception cref="InvalidOperationException">The process turned off .NET file locking.</exception>
    public static Task<FileLock> AcquireAsync(string path, bool exclusive, CancellationToken cancellationToken = default) =>
        AcquireAsync(path, exclusive, DefaultTimeout, cancellationToken);

    /// <summary>Waits for the lock, at most <paramref name="timeout"/>.</summary>
    /// <exception cref="LockTimeoutException">The lock stayed held for <paramref name="timeout"/>; the message names the holders.</exception>
    /// <exception cref="InvalidOperationException">The process turned off .NET file locking.</exception>
    public static async Task<FileLock> AcquireAsync(string path, bool exclusive, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (LockingDisabled)
        {
            throw new InvalidOperationException("File locking is disabled for this process (DOTNET_SYSTEM_IO_DISABLEFILELOCKING); the store cannot be shared safely.");
        }

        var wait = timeout;
        var deadline = DateTime.UtcNow + wait;
        var delay = 1;
        while (true)
        {
            if (TryAcquire(path, exclusive) is { } acquired)
            {
                return acquired;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new LockTimeoutException(path, wait, LockHolders.Describe(path));
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = Math.Min(delay * 2, 50);
        }
    }

    /// <summary>Takes the lock when it is free; returns <see langword="null"/> when another holder has it.</summary>
    public static FileLock? TryAcquire(string path, bool exclusive)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        try
        {
            var stream = exclusive
                ? new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None)
                : new FileStream(path, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
            return new FileLock(stream, path);
        }
        catch (IOException e) when (IsContention(e))
        {
            return null;
        }
    }

    // The BCL reports a held lock as a sharing violation; anything else (ENOSPC, EACCES) is a real error.
    private static bool IsContention(IOException e) =>
        e.GetType() == typeof(IOException) && (e.HResult & 0xFFFF) is 32 or 33 or 11;

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _stream.Dispose();
}
