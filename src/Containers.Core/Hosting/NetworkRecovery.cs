using Containers.Networks;

namespace Containers.Hosting;

/// <summary>Releases the addresses, interfaces and rules of containers that died with a crashed process; runs after <see cref="ContainerRecovery"/>.</summary>
internal sealed class NetworkRecovery(NetworkService networks) : IStoreRecovery
{
    public Task<int> RecoverAsync(CancellationToken cancellationToken = default) => networks.RecoverAsync(cancellationToken);
}
