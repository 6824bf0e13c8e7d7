using Containers.Hosting;
using Containers.Images;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Containers.Registry.Hosting;

/// <summary>Adds the registry client to an engine.</summary>
public static class RegistryContainersBuilderExtensions
{
    /// <summary>
    /// Adds the OCI registry client, resolvable as <see cref="IRegistryClient"/>, and as the engine's
    /// <see cref="IImageSource"/>: creating a container from an image the store lacks pulls it (see <c>PullPolicy</c>).
    /// </summary>
    /// <param name="builder">The engine builder.</param>
    /// <param name="configure">Sets credentials, insecure registries, CAs, mirrors, concurrency and retries.</param>
    public static IContainersBuilder AddRegistryClient(this IContainersBuilder builder, Action<RegistryClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new RegistryClientOptions();
        configure?.Invoke(options);
        builder.Services.TryAddSingleton(options);
        builder.Services.TryAddSingleton<IRegistryClient>(sp => ActivatorUtilities.CreateInstance<RegistryClient>(sp));
        builder.Services.TryAddSingleton<IImageSource>(sp => new Pull.RegistryImageSource(sp.GetRequiredService<IRegistryClient>()));
        return builder;
    }
}
