using Microsoft.Extensions.DependencyInjection;

namespace Containers.Hosting;

/// <summary>Adds engine components (a runtime, storage drivers, a registry client) to the services of an engine.</summary>
public interface IContainersBuilder
{
    /// <summary>Gets the service collection the engine is composed in.</summary>
    IServiceCollection Services { get; }
}
