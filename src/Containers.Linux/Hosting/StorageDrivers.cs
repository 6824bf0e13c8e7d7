using Containers.Containers;
using Containers.Content;
using Containers.Hosting;
using Containers.Linux.Storage;
using Containers.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Containers.Linux.Hosting;

/// <summary>
/// Registers the chosen storage driver (<see cref="IStorageDriver"/>) and what the engine builds on it: container roots,
/// image mounts, layer unpacking and pruning.
/// </summary>
internal static class StorageDrivers
{
    public static void Add(IServiceCollection services, LinuxRuntimeOptions options, string parameterName)
    {
        services.TryAddSingleton<IStorageDriver>(sp => Choose(sp, options, parameterName) switch
        {
            "overlay" => new OverlaySnapshotter(sp.GetRequiredService<StoreLayout>()),
            _ => new VfsSnapshotter(sp.GetRequiredService<StoreLayout>()),
        });

        // Overlay unpacks layers on its own, concurrently and in place; any other driver imports them through the driver.
        services.TryAddSingleton<IImageLayers>(sp => sp.GetRequiredService<IStorageDriver>() is OverlaySnapshotter
            ? sp.GetRequiredService<OverlayStorage>()
            : new SnapshotLayerImporter(sp.GetRequiredService<IStorageDriver>(), sp.GetRequiredService<IContentStore>(), sp.GetRequiredService<StoreLayout>()));
        services.TryAddSingleton<IContainerRootfs, SnapshotContainerRootfs>();
        services.TryAddSingleton<IImageMounter, SnapshotImageMounter>();
        services.TryAddSingleton<ILayerUnpacker>(sp => sp.GetRequiredService<IStorageDriver>() is OverlaySnapshotter
            ? sp.GetRequiredService<OverlayStorage>()
            : new CopyingLayerUnpacker());

        // Both stores prune, so a root shared by engines of either driver frees what neither keeps; the chosen driver's
        // is registered last, which is the one a single ILayerStore resolves to (system df).
        var vfs = ServiceDescriptor.Singleton<ILayerStore, SnapshotLayerStore>(sp => new SnapshotLayerStore(new VfsSnapshotter(sp.GetRequiredService<StoreLayout>())));
        var overlay = ServiceDescriptor.Singleton<ILayerStore, OverlayStorage>(sp => sp.GetRequiredService<OverlayStorage>());
        ServiceDescriptor[] stores = options.StorageDriver == "vfs" ? [overlay, vfs] : [vfs, overlay];
        services.TryAddEnumerable(stores);
    }

    private static string Choose(IServiceProvider services, LinuxRuntimeOptions options, string parameterName) =>
        (options.StorageDriver ?? (OverlaySupport.IsSupported(services.GetRequiredService<StoreLayout>()) ? "overlay" : "vfs")) switch
        {
            var name when name is "overlay" or "vfs" => name,
            var other => throw new ArgumentException($"Unknown storage driver '{other}': use overlay or vfs.", parameterName),
        };
}
