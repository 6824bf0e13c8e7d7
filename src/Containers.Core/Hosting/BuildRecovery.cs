using Containers.Build;

namespace Containers.Hosting;

/// <summary>Deletes the scratch directories of builds whose process died.</summary>
internal sealed class BuildRecovery(StoreLayout layout) : IStoreRecovery
{
    public Task<int> RecoverAsync(CancellationToken cancellationToken = default) => Task.FromResult(BuildScratch.Reclaim(layout.Temp));
}
