using Containers.Containers;
using Containers.Content;
using Containers.Images;
using Containers.Volumes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Hosting;

/// <summary>
/// Is the entry point to one store root: images, content and, with platform packages added, containers, volumes and networks.
/// </summary>
/// <remarks>
/// In a host with dependency injection, call <c>services.AddContainers()</c> and resolve this type. Without one, call
/// <see cref="Create(ContainersOptions?, Action{IContainersBuilder}?)"/> and dispose the engine when done.
/// Several engines, in one process or many, may share a root.
/// </remarks>
public sealed class ContainerEngine : IAsyncDisposable
{
    private readonly ServiceProvider? _ownedProvider;

    /// <summary>Initializes the engine from its services; dependency injection calls this.</summary>
    public ContainerEngine(IServiceProvider services, ContainersOptions options)
        : this(services, options, null)
    {
    }

    private ContainerEngine(IServiceProvider services, ContainersOptions options, ServiceProvider? ownedProvider)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        Services = services;
        Options = options;
        _ownedProvider = ownedProvider;
        Images = services.GetRequiredService<IImageService>();
        Content = services.GetRequiredService<IContentStore>();
        Volumes = services.GetRequiredService<IVolumeService>();
    }

    /// <summary>Gets the services the engine was composed from, for components that platform packages add.</summary>
    public IServiceProvider Services { get; }

    /// <summary>Gets the options in effect.</summary>
    public ContainersOptions Options { get; }

    /// <summary>Gets the image service.</summary>
    public IImageService Images { get; }

    /// <summary>Gets the content store.</summary>
    public IContentStore Content { get; }

    /// <summary>Gets the volume service.</summary>
    public IVolumeService Volumes { get; }

    /// <summary>Gets the container service.</summary>
    /// <exception cref="InvalidOperationException">No runtime is configured (call <c>AddLinuxRuntime()</c> on the builder).</exception>
    public IContainerService Containers => Services.GetService<IContainerRuntime>() is null
        ? throw new InvalidOperationException("No container runtime is configured: add one to the engine, for example with builder.AddLinuxRuntime().")
        : Services.GetRequiredService<IContainerService>();

    /// <summary>Gets the ready-state snapshots fixtures start from (see <c>ContainerBuilder.WithReadySnapshot</c>): list, remove, prune.</summary>
    public Snapshots.IReadySnapshotService Snapshots => Services.GetRequiredService<Snapshots.IReadySnapshotService>();

    /// <summary>Gets the network service; creating networks and bridge-networked containers needs a platform's network driver.</summary>
    public Networks.INetworkService Networks => Services.GetRequiredService<Networks.INetworkService>();

    /// <summary>Creates an engine without a host, runs crash recovery on its root, and returns it; dispose it when done.</summary>
    /// <param name="options">The options; the defaults when <see langword="null"/>.</param>
    /// <param name="configure">Adds platform components, as <c>b => b.AddLinuxRuntime()</c>.</param>
    public static ContainerEngine Create(ContainersOptions? options = null, Action<IContainersBuilder>? configure = null)
    {
        options ??= new ContainersOptions();
        var services = new ServiceCollection();
        var builder = ContainersServiceCollectionExtensions.AddContainersCore(services, o =>
        {
            o.Root = options.Root;
            o.Platform = options.Platform;
            o.DefaultNetwork = options.DefaultNetwork;
            o.LockTimeout = options.LockTimeout;
        });
        configure?.Invoke(builder);

        // After the caller's configuration: logging it added wins over the logging-nowhere default.
        ContainersServiceCollectionExtensions.AddNullLoggingIfMissing(services);
        // Not validated on build: that resolves every registration's call site by reflection at each start, a few ms of
        // every command-line invocation. The composition is validated by a test (CompositionTests) instead.
        var provider = services.BuildServiceProvider();
        var engine = new ContainerEngine(provider, provider.GetRequiredService<ContainersOptions>(), provider);
        engine.RecoverAsync().GetAwaiter().GetResult();
        return engine;
    }

    /// <summary>Reclaims what crashed processes left in the store; <see cref="Create"/> calls this, hosts may call it at start-up.</summary>
    /// <returns>The number of leftovers removed.</returns>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken = default)
    {
        var total = 0;
        var logger = Services.GetService<ILoggerFactory>()?.CreateLogger<ContainerEngine>() ?? (ILogger)NullLogger.Instance;
        foreach (var recovery in Services.GetServices<IStoreRecovery>())
        {
            try
            {
                var count = await recovery.RecoverAsync(cancellationToken).ConfigureAwait(false);
                total += count;
                if (count > 0)
                {
                    EngineLog.Reclaimed(logger, Options.Root, count, EngineLog.Describe(recovery));
                }
                else
                {
                    EngineLog.NothingToReclaim(logger, Options.Root, EngineLog.Describe(recovery));
                }
            }
            catch (StorageFullException)
            {
                // On a full disk the engine must still start, so its user can remove what filled it; a later start finishes.
            }
        }

        return total;
    }

    /// <summary>
    /// Removes everything the root holds, as <c>podman system reset</c> does: containers (killed if running) with their
    /// anonymous volumes, every network with its bridge and firewall table, volumes, images and their content.
    /// </summary>
    /// <remarks>
    /// Bridges and firewall rules live in the kernel, not in the root's directory: a root that is deleted without this
    /// (a test fixture's scratch root, say) leaves them behind until the host reboots.
    /// </remarks>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        if (Services.GetService<IContainerRuntime>() is not null)
        {
            // Finishes interrupted operations first: a directory a killed create left without a record is not listed.
            await RecoverAsync(cancellationToken).ConfigureAwait(false);
            foreach (var container in await Containers.ListAsync(all: true, cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await Containers.RemoveAsync(container.Id, force: true, removeVolumes: true, cancellationToken).ConfigureAwait(false);
                }
                catch (ContainerNotFoundException)
                {
                    // Another process sharing the root removed it first.
                }
            }
        }

        await Services.GetRequiredService<Networks.NetworkService>().RemoveAllAsync(cancellationToken).ConfigureAwait(false);
        foreach (var volume in await Volumes.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await Volumes.RemoveAsync(volume.Name, force: true, cancellationToken).ConfigureAwait(false);
            }
            catch (VolumeNotFoundException)
            {
            }
        }

        foreach (var image in await Images.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await Images.RemoveAsync(image.Id.ToString(), force: true, cancellationToken).ConfigureAwait(false);
            }
            catch (ImageNotFoundException)
            {
            }
        }

        await Images.CollectGarbageAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_ownedProvider is not null)
        {
            var layout = _ownedProvider.GetService<StoreLayout>();
            await _ownedProvider.DisposeAsync().ConfigureAwait(false);
            if (layout is not null)
            {
                await StoreTrash.DrainAsync(layout).ConfigureAwait(false); // nothing of what was removed outlives the engine
            }
        }
    }
}
