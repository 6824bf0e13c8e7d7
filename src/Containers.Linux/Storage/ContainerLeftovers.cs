using Containers.Hosting;


namespace Containers.Linux.Storage;

/// <summary>
/// Finds the writable layers (<c>snapshots/ctr-&lt;id&gt;</c>, half-prepared ones included) and mount points
/// (<c>containers/&lt;id&gt;</c>) of containers that no longer exist, taking each container's lock first: a start holds
/// it while it prepares the layer, so recovery in another process never deletes a layer that is being prepared.
/// </summary>
internal static class ContainerLeftovers
{
    /// <summary>How old a half-prepared snapshot that no container owns must be before it counts as a crash's leftover.</summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(1);

    /// <summary>Removes the leftovers under a storage driver's <paramref name="root"/>; returns how many.</summary>
    public static int Reclaim(StoreLayout layout, string root)
    {
        var removed = 0;
        foreach (var directory in Enumerate(Path.Combine(root, "snapshots")))
        {
            var name = Path.GetFileName(directory);
            var staging = name.IndexOf(".tmp-", StringComparison.Ordinal);
            var key = staging < 0 ? name : name[..staging];
            var reclaim = key.StartsWith("ctr-", StringComparison.Ordinal)
                ? OwnerIsGone(layout, key[4..], () => Directory.Delete(directory, recursive: true))
                : staging >= 0 && Directory.GetLastWriteTimeUtc(directory) < DateTime.UtcNow - AbandonedAfter && Delete(directory);
            removed += reclaim ? 1 : 0;
        }

        foreach (var directory in Enumerate(Path.Combine(root, "containers")))
        {
            removed += OwnerIsGone(layout, Path.GetFileName(directory), () =>
            {
                OverlayMount.Unmount(Path.Combine(directory, "merged"));
                Directory.Delete(directory, recursive: true);
            }) ? 1 : 0;
        }

        return removed;
    }

    /// <summary>Runs <paramref name="reclaim"/> when the container has no record and no live process holds its lock; says whether it ran.</summary>
    private static bool OwnerIsGone(StoreLayout layout, string id, Action reclaim)
    {
        if (File.Exists(Path.Combine(layout.Containers, id, "container.json")))
        {
            return false;
        }

        using var held = FileLock.TryAcquire(layout.Lock("container-" + id), exclusive: true);
        if (held is null || File.Exists(Path.Combine(layout.Containers, id, "container.json")))
        {
            return false;
        }

        try
        {
            reclaim();
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return false; // its remover got there first
        }
    }

    private static bool Delete(string directory)
    {
        Directory.Delete(directory, recursive: true);
        return true;
    }

    private static IEnumerable<string> Enumerate(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateDirectories(directory).ToList() : [];
}
