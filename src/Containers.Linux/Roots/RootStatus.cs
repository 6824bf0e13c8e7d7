using Containers.Hosting;
using Containers.Internal;

namespace Containers.Linux.Roots;

/// <summary>What became of the root a kernel object names.</summary>
internal enum RootStatus
{
    /// <summary>The root is there with the same ID (or cannot be found out: never reclaimed).</summary>
    Live,

    /// <summary>The root's path has no root ID any more: it was deleted.</summary>
    Deleted,

    /// <summary>The path holds another root now (deleted and made again): path-named objects are the new root's.</summary>
    Replaced,

    /// <summary>A scratch root whose holding process died before it could delete it.</summary>
    Abandoned,
}

/// <summary>Tells a live root from a gone one.</summary>
internal static class RootStatuses
{
    /// <summary>The file a scratch root's holder keeps locked while it lives.</summary>
    public const string ScratchLockFile = "scratch.lock";

    public static RootStatus Of(string id, string? root)
    {
        if (root is null || !Path.IsPathFullyQualified(root))
        {
            return RootStatus.Live;
        }

        var current = RootIdentity.Read(root);
        if (current is null)
        {
            return RootStatus.Deleted;
        }

        if (current != id)
        {
            return RootStatus.Replaced;
        }

        var scratch = Path.Combine(root, ScratchLockFile);
        if (File.Exists(scratch))
        {
            using var held = FileLock.TryAcquire(scratch, exclusive: true);
            return held is null ? RootStatus.Live : RootStatus.Abandoned;
        }

        return RootStatus.Live;
    }
}
