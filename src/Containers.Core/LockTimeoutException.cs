namespace Containers;

/// <summary>
/// Is thrown when a lock of the store stayed held by another process for longer than the engine waits
/// (<see cref="Hosting.ContainersOptions.LockTimeout"/>): the message names the lock and, when they can be found, the
/// processes holding it.
/// </summary>
public sealed class LockTimeoutException : ContainersException
{
    /// <summary>Initializes a new instance for a lock file and the processes found holding it.</summary>
    public LockTimeoutException(string lockPath, TimeSpan waited, IReadOnlyList<string> holders)
        : base(Format(lockPath, waited, holders))
    {
        LockPath = lockPath;
        Holders = holders;
    }

    /// <summary>Gets the lock file.</summary>
    public string LockPath { get; }

    /// <summary>Gets the processes found holding the lock, each as "pid N (command line)"; empty when none was found.</summary>
    public IReadOnlyList<string> Holders { get; }

    /// <inheritdoc/>
    public override bool IsTransient => true;

    private static string Format(string lockPath, TimeSpan waited, IReadOnlyList<string> holders)
    {
        var name = Path.GetFileNameWithoutExtension(lockPath);
        var seconds = waited.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
        return holders.Count == 0
            ? $"Timed out after {seconds} s waiting for the lock '{name}' ({lockPath}); no holder was found, so it was probably released just now: retry."
            : $"Timed out after {seconds} s waiting for the lock '{name}' ({lockPath}), held by {string.Join(", ", holders)}. Wait for it to finish, or end it if it is stuck, then retry.";
    }
}
