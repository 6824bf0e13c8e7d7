using Containers.Hosting;

namespace Containers.Linux.Storage;

/// <summary>Runs the overlay storage's reclaim at engine start.</summary>
internal sealed class StorageRecovery(OverlayStorage storage) : IStoreRecovery
{
    public Task<int> RecoverAsync(CancellationToken cancellationToken = default) => Task.FromResult(storage.Reclaim());
}
