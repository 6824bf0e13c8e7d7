using Microsoft.Extensions.DependencyInjection;

namespace Containers.Hosting;

/// <summary>The default <see cref="IContainersBuilder"/>.</summary>
internal sealed class ContainersBuilder(IServiceCollection services) : IContainersBuilder
{
    public IServiceCollection Services { get; } = services;
}
