namespace Containers.Hosting;

/// <summary>
/// Reclaims what a crashed process left in the store (half-written blobs, mounts, cgroups); every engine start runs each one.
/// </summary>
/// <remarks>Implementations must be safe while other live processes use the same root: reclaim only what no live process holds.</remarks>
public interface IStoreRecovery
{
    /// <summary>Finds and removes leftovers; returns how many it removed.</summary>
    Task<int> RecoverAsync(CancellationToken cancellationToken = default);
}
