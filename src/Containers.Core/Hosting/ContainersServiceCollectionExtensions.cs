using Containers.Containers;
using Containers.Content;
using Containers.Images;
using Containers.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Containers.Hosting;

/// <summary>Registers the container engine in a service collection.</summary>
public static class ContainersServiceCollectionExtensions
{
    /// <summary>
    /// Adds the engine's platform-neutral services (content store, images) and returns a builder to which
    /// platform packages add a runtime, storage drivers and a registry client.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddContainers(o => o.Root = "/srv/containers")
    ///         .AddLinuxRuntime()
    ///         .AddRegistryClient();
    /// </code>
    /// </example>
    public static IContainersBuilder AddContainers(this IServiceCollection services, Action<ContainersOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = AddContainersCore(services, configure);

        // Hosts bring their logging (register it before this call); without it the engine logs nowhere.
        AddNullLoggingIfMissing(services);
        return builder;
    }

    /// <summary>
    /// Adds logging that goes nowhere, unless logging is registered already. Registered last, so that a
    /// <c>services.AddLogging(...)</c> made after the engine's services (whose registrations only ever try-add) is
    /// the one used rather than silently dropped.
    /// </summary>
    internal static void AddNullLoggingIfMissing(IServiceCollection services)
    {
        services.TryAdd(ServiceDescriptor.Singleton(typeof(ILogger<>), typeof(NullLogger<>)));
        services.TryAddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
    }

    /// <summary>Adds the engine's services without any logging; the caller adds logging afterwards.</summary>
    internal static IContainersBuilder AddContainersCore(IServiceCollection services, Action<ContainersOptions>? configure)
    {
        var options = services.AddOptions<ContainersOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ContainersOptions>>().Value);
        services.TryAddSingleton(sp => new StoreLayout(sp.GetRequiredService<ContainersOptions>().Root, sp.GetRequiredService<ContainersOptions>().LockTimeout));
        services.TryAddSingleton(sp =>
        {
            var layout = sp.GetRequiredService<StoreLayout>();
            return new OciLayoutContentStore(layout.Content, layout.Temp, layout.Locks);
        });
        services.TryAddSingleton<IContentStore>(sp => sp.GetRequiredService<OciLayoutContentStore>());
        services.TryAddSingleton<IImageService, ImageService>();
        services.TryAddSingleton<ContainerStore>();
        services.TryAddSingleton<Volumes.VolumeService>();
        services.TryAddSingleton<Volumes.IVolumeService>(sp => sp.GetRequiredService<Volumes.VolumeService>());
        services.TryAddSingleton<Volumes.ContainerVolumes>();
        services.TryAddSingleton<Snapshots.ReadySnapshotService>();
        services.TryAddSingleton<Snapshots.IReadySnapshotService>(sp => sp.GetRequiredService<Snapshots.ReadySnapshotService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IImageUsageSource, ContainerImageUsage>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStoreRecovery, ContentStoreRecovery>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStoreRecovery, BuildRecovery>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStoreRecovery, ContainerRecovery>());
        services.TryAddSingleton<Networks.NetworkService>();
        services.TryAddSingleton<Networks.INetworkService>(sp => sp.GetRequiredService<Networks.NetworkService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStoreRecovery, NetworkRecovery>());

        // Resolvable once a platform package registers a runtime and a root filesystem provider.
        services.TryAddSingleton<IContainerService>(sp => ActivatorUtilities.CreateInstance<ContainerService>(sp));
        services.TryAddSingleton<ContainerEngine>();
        return new ContainersBuilder(services);
    }
}
