using Containers.Containers;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Hosting;

/// <summary>Reconciles containers whose owner died, when a runtime is configured.</summary>
internal sealed class ContainerRecovery(IServiceProvider services) : IStoreRecovery
{
    public Task<int> RecoverAsync(CancellationToken cancellationToken = default) =>
        services.GetService<IContainerRuntime>() is not null && services.GetService<IContainerService>() is ContainerService containers
            ? containers.RecoverAsync(cancellationToken)
            : Task.FromResult(0);
}
