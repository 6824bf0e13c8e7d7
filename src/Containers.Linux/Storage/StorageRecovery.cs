using Containers.Hosting;

namespace Containers.Linux.Storage;

/// <summary>Runs the overlay storage's reclaim at engine start, and reclaims the vfs driver's container leftovers.</summary>
internal sealed class StorageRecovery(OverlayStorage storage, StoreLayout layout) : IStoreRecovery
{
    public Task<int> RecoverAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(storage.Reclaim() + ContainerLeftovers.Reclaim(layout, Path.Combine(layout.Storage, "vfs")));
}
