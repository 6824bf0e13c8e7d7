using System.Collections.Concurrent;
using System.Globalization;
using Containers.Internal;

namespace Containers.Hosting;

/// <summary>
/// Deletes directories of the store off the caller's path: each is renamed into this process's trash directory under
/// the store's <c>tmp/</c> (one rename: at once gone from where every reader looks) and deleted there by a background
/// task. A process killed before its trash is empty leaves it to the next engine start.
/// </summary>
/// <remarks>
/// Removing a container deleted two directory trees (its files, its writable layer) while the caller waited: a dozen
/// unlinks and rmdirs, 20-40 ms when other processes keep the file system's journal busy. The trash directory is named
/// for its process (<c>trash-PID-STARTTIME</c>), so recovery empties only those of processes that are gone.
/// </remarks>
public static class StoreTrash
{
    private const string Prefix = "trash-";
    private static readonly ConcurrentDictionary<Task, byte> Pending = new();

    /// <summary>Moves <paramref name="directory"/> into the trash and deletes it in the background; deletes it in place when it cannot be moved (another file system). Does nothing when it does not exist.</summary>
    /// <exception cref="IOException">It could not be moved, and deleting it in place failed.</exception>
    public static void Delete(StoreLayout layout, string directory)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var trash = TrashOf(layout);
        var moved = Path.Combine(trash, Guid.NewGuid().ToString("N"));
        for (var attempt = 0; ; attempt++)
        {
            if (!Directory.Exists(directory))
            {
                return;
            }

            try
            {
                Directory.CreateDirectory(trash);
                Directory.Move(directory, moved);
                break;
            }
            catch (DirectoryNotFoundException) when (attempt < 3)
            {
                // The trash was removed meanwhile by another engine of this process that ended: make it again.
            }
            catch (IOException)
            {
                // Another file system than the store's tmp/, or busy: delete where it is.
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }

                return;
            }
        }

        var task = Task.Run(() => DeleteQuietly(moved));
        Pending.TryAdd(task, 0);
        _ = task.ContinueWith(t => Pending.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Waits until what this process put in any trash is deleted, then removes its emptied trash directory from <paramref name="layout"/>.</summary>
    internal static async Task DrainAsync(StoreLayout layout)
    {
        while (!Pending.IsEmpty)
        {
            await Task.WhenAll(Pending.Keys).ConfigureAwait(false);
        }

        try
        {
            Directory.Delete(TrashOf(layout));
        }
        catch (IOException)
        {
            // Missing, or refilled meanwhile by another engine of this process: that one empties it when it ends.
        }
    }

    /// <summary>Deletes the trash of processes that are gone (killed before their trash was empty); returns how many it deleted.</summary>
    internal static int Reclaim(StoreLayout layout, Func<ProcessIdentity, bool> alive)
    {
        if (!Directory.Exists(layout.Temp))
        {
            return 0;
        }

        var count = 0;
        foreach (var trash in Directory.EnumerateDirectories(layout.Temp, Prefix + "*").ToList())
        {
            var parts = Path.GetFileName(trash)[Prefix.Length..].Split('-');
            if (parts.Length != 2 || ProcessIdentity.Parse(parts[0], parts[1]) is not { } owner || owner == ProcessIdentity.Current || alive(owner))
            {
                continue;
            }

            DeleteQuietly(trash);
            count++;
        }

        return count;
    }

    private static string TrashOf(StoreLayout layout) => Path.Combine(layout.Temp, string.Create(
        CultureInfo.InvariantCulture, $"{Prefix}{ProcessIdentity.Current.Pid}-{ProcessIdentity.Current.StartTime}"));

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left in the trash: the next engine start after this process ends deletes it.
        }
    }
}
