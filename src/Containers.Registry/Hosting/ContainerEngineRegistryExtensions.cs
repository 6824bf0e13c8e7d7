using Containers.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Registry.Hosting;

/// <summary>Reaches the registry client from an engine.</summary>
public static class ContainerEngineRegistryExtensions
{
    /// <summary>Gets the engine's registry client.</summary>
    /// <exception cref="InvalidOperationException">The engine was built without <c>AddRegistryClient()</c>.</exception>
    public static IRegistryClient Registry(this ContainerEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.Services.GetService<IRegistryClient>()
            ?? throw new InvalidOperationException("The engine has no registry client: add one with builder.AddRegistryClient().");
    }
}
