using Containers.Content;

namespace Containers.Hosting;

/// <summary>Deletes the temporary files of blob writes whose process died.</summary>
internal sealed class ContentStoreRecovery(OciLayoutContentStore store) : IStoreRecovery
{
    public Task<int> RecoverAsync(CancellationToken cancellationToken = default) => Task.FromResult(store.ReclaimAbandonedWrites());
}
