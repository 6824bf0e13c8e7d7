using System.Collections.Concurrent;
using Containers.Hosting;
using Containers.Images;
using Containers.Internal;
using Microsoft.Extensions.Logging;

namespace Containers.Containers;

/// <summary>The engine's <see cref="IContainerService"/>: records and state on disk, a runtime and a root filesystem provider.</summary>
internal sealed partial class ContainerService : IContainerService, IAsyncDisposable
{
    private readonly ContainerStore _store;
    private readonly IImageService _images;
    private readonly IContainerRuntime _runtime;
    private readonly IContainerRootfs _rootfs;
    private readonly Content.IContentStore _content;
    private readonly ILogger _logger;
    private readonly IImageSource? _imageSource;
    private readonly Volumes.ContainerVolumes _volumes;
    private readonly Networks.NetworkService _networks;
    private readonly ConcurrentDictionary<string, RunningContainer> _running = new();
    private readonly ConcurrentDictionary<string, int> _removedExitCodes = new();
    private readonly ImageUseLock _imageUse;
    private readonly IReadOnlyList<IArchiveExtractor> _extractors;

    public ContainerService(ContainerStore store, IImageService images, IContainerRuntime runtime, IContainerRootfs rootfs, Content.IContentStore content, StoreLayout layout, Networks.NetworkService networks, ILogger<ContainerService> logger, Volumes.ContainerVolumes volumes, IEnumerable<IArchiveExtractor> extractors, IImageSource? imageSource = null)
    {
        _imageSource = imageSource;
        _extractors = extractors.ToList();
        _volumes = volumes;
        _imageUse = new ImageUseLock(layout);
        _bootIdPath = Path.Combine(layout.Root, "boot-id");
        _networks = networks;

        // Creates the network driver before this service, so a provider disposes it after: DisposeAsync still detaches.
        _ = networks.ResolveMode(null);
        _content = content;
        CgroupParent = "dotnet-containers/" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(layout.Root)))[..12];
        _store = store;
        _images = images;
        _runtime = runtime;
        _rootfs = rootfs;
        _logger = logger;
    }

    public Task<ContainerDetails> CreateAsync(ContainerCreateOptions options, CancellationToken cancellationToken = default) =>
        CreateAsync(options, endIntent: true, cancellationToken);

    /// <summary>Creates the container; <paramref name="endIntent"/> false leaves it marked as being created (by <c>run</c>, until it started).</summary>
    private async Task<ContainerDetails> CreateAsync(ContainerCreateOptions options, bool endIntent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options with { Network = _networks.ResolveMode(options.Network) };
        await ImageOnFirstUse.ResolveAsync(_images, _imageSource, options.Image, options.PullPolicy, _logger, cancellationToken).ConfigureAwait(false);
        using var imageUse = await _imageUse.SharedAsync(cancellationToken).ConfigureAwait(false); // until the record marks the image used
        var image = await _images.InspectAsync(options.Image, cancellationToken).ConfigureAwait(false);
        var args = CommandResolver.Arguments(image.Configuration.Config, options.Entrypoint, options.Command);
        ValidateEarly(options);
        options = ContainerOptionsValidator.Validate(options, args, HostLimits.Current);
        var healthCheck = HealthCheckResolver.Resolve(image.Configuration.Config?.Healthcheck, options);
        await _networks.ValidateAsync(options, cancellationToken).ConfigureAwait(false);
        var labels = new Dictionary<string, string>(image.Configuration.Config?.Labels ?? new Dictionary<string, string>());
        foreach (var (key, value) in options.Labels)
        {
            labels[key] = value;
        }

        var id = ContainerStore.NewId();
        string? name = null;
        IReadOnlyList<Volumes.ContainerMount>? mounts = null;
        try
        {
            using (await _store.LockNamesAsync(cancellationToken).ConfigureAwait(false))
            using (await _volumes.LockAsync(cancellationToken).ConfigureAwait(false))
            {
                var existing = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
                name = options.Name is null ? UniqueName(existing) : NameGenerator.Validate(options.Name);
                if (existing.FirstOrDefault(r => r.Name == name) is { } holder)
                {
                    throw new ContainerNameConflictException(name, holder.Id);
                }

                // Volumes are claimed by the record written below, under the volumes lock, so no removal slips in between.
                mounts = await _volumes.PrepareLockedAsync(options.Mounts, image.Configuration.Config, cancellationToken).ConfigureAwait(false);

                var record = new ContainerRecord
                {
                    Id = id,
                    Name = name,
                    Created = DateTimeOffset.UtcNow,
                    Image = options.Image,
                    ImageId = image.Id,
                    ManifestDigest = image.ManifestDescriptor.Digest,
                    Args = args,
                    Options = options with { Name = name, Mounts = mounts },
                    Labels = labels,
                    HealthCheck = healthCheck,
                    HealthCommand = healthCheck is null ? null : HealthCheckResolver.Command(healthCheck, image.Configuration.Config?.Shell),
                };
                Directory.CreateDirectory(_store.DirectoryOf(id));
                await Intents.BeginAsync(id, ContainerOperation.Create, cancellationToken).ConfigureAwait(false);
                await _store.WriteStateAsync(id, new ContainerState(), cancellationToken).ConfigureAwait(false);
                await _store.WriteRecordAsync(record, cancellationToken).ConfigureAwait(false);
                await _networks.JoinAsync(id, name, options, cancellationToken).ConfigureAwait(false);
                if (endIntent)
                {
                    Intents.End(id, ContainerOperation.Create);
                }

                LogCreated(_logger, id, name, options.Image);
                return Describe(record, new ContainerState(), null);
            }
        }
        catch (Exception e) when (name is not null && mounts is not null)
        {
            // Outside the locks: removing takes them again.
            await DiscardAsync(id, mounts).ConfigureAwait(false);
            var named = NameContainer(e, id, name, cancellationToken);
            if (ReferenceEquals(named, e))
            {
                throw;
            }

            throw named;
        }
    }

    public async Task<ContainerDetails> RunAsync(ContainerCreateOptions options, CancellationToken cancellationToken = default)
    {
        // Marked as being created until it started: if this process dies before, recovery removes it (run is all or nothing).
        var created = await CreateAsync(options, endIntent: false, cancellationToken).ConfigureAwait(false);
        try
        {
            await StartAsync(created.Id, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A run that did not start leaves nothing, --rm or not; the error says which container it was.
            await DiscardAsync(created.Id, created.Options.Mounts).ConfigureAwait(false);
            var named = NameContainer(e, created.Id, created.Name, cancellationToken);
            if (ReferenceEquals(named, e))
            {
                throw;
            }

            throw named;
        }
        finally
        {
            Intents.End(created.Id, ContainerOperation.Create);
        }

        // Started: a cancellation now would only lose the description of a running container.
        return await InspectAsync(created.Id, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Corrects the state of containers whose owning process died, releases their mounts and cgroups, and removes
    /// cgroups left by containers that no longer exist; returns how many it fixed.
    /// </summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        var fixedCount = await RecoverInterruptedAsync(cancellationToken).ConfigureAwait(false);
        var records = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var record in records)
        {
            ContainerState before, after;
            using (var held = _store.TryLock(record.Id))
            {
                if (held is null)
                {
                    continue; // a live process is starting, stopping or removing it
                }

                before = await _store.ReadStateAsync(record.Id, cancellationToken).ConfigureAwait(false);
                after = await RefreshAsync(record, cancellationToken).ConfigureAwait(false);
            }

            fixedCount += before.IsRunning && !after.IsRunning ? 1 : 0;
            await RemoveIfAutoRemoveAsync(record, after, cancellationToken).ConfigureAwait(false);
        }

        fixedCount += await ReleaseLeftoversAsync(cancellationToken).ConfigureAwait(false);
        fixedCount += StoreTrash.Reclaim(_store.Layout, owner => _runtime.IsAlive(owner.Pid, owner.StartTime));
        var known = records.Select(r => CgroupsPath(r.Id)).ToHashSet(StringComparer.Ordinal);
        foreach (var cgroup in _runtime.ListSandboxes(CgroupParent).Where(c => !known.Contains(c)))
        {
            fixedCount += await DeleteOrphanCgroupAsync(cgroup, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        _runtime.RemoveScopeIfEmpty(CgroupParent);
        return fixedCount + await RestartAfterRebootAsync(records, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        // Containers started here die with this process anyway; stopping them now releases their mounts and cgroups cleanly.
        foreach (var id in _running.Keys.ToList())
        {
            try
            {
                await KillAsync(id, "KILL", CancellationToken.None).ConfigureAwait(false);
                if (_running.TryGetValue(id, out var running))
                {
                    await running.Exited.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is ContainersException or TimeoutException or IOException)
            {
                LogDisposeFailed(_logger, id, e);
            }
        }

        await StoreTrash.DrainAsync(_store.Layout).ConfigureAwait(false);
    }

    /// <summary>
    /// Gets the cgroup parent of this root's containers: <c>dotnet-containers/&lt;hash of the root&gt;</c>, so engines on
    /// different roots never take each other's cgroups for leftovers.
    /// </summary>
    internal string CgroupParent { get; }

    internal string CgroupsPath(string id) => CgroupParent + "/" + id;

    private static void ValidateEarly(ContainerCreateOptions options)
    {
        // Parse everything the spec factory will parse, so a bad option fails create rather than start.
        _ = Security.Capabilities.Compute(options.Privileged, options.CapAdd, options.CapDrop);
        _ = Security.SecurityOptions.Parse(options.SecurityOptions);
        NameResolutionFiles.Validate(options);
        _ = ContainerSpecFactory.CgroupNamespace(options.CgroupNamespace);
        foreach (var ulimit in options.Ulimits)
        {
            ResourceParser.ParseUlimit(ulimit);
        }

        if (options.StopSignal is { } signal)
        {
            Signals.Parse(signal);
        }

        _ = options.RestartPolicy;
        _ = LogRotation.Parse(options.LogOptions);
    }

    private static string UniqueName(List<ContainerRecord> existing)
    {
        var taken = existing.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        for (var attempt = 0; ; attempt++)
        {
            var name = NameGenerator.Generate() + (attempt > 10 ? attempt.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty);
            if (!taken.Contains(name))
            {
                return name;
            }
        }
    }

    private ContainerDetails Describe(ContainerRecord record, ContainerState state, Oci.Runtime.RuntimeSpec? spec) => new()
    {
        Id = record.Id,
        Name = record.Name,
        Created = record.Created,
        Image = record.Image,
        ImageId = record.ImageId,
        Args = record.Args,
        Options = record.Options,
        Labels = record.Labels,
        State = state,
        LogPath = _store.LogPath(record.Id),
        Spec = spec,
        Health = HealthOf(record, state),
        HealthCheck = record.HealthCheck,
    };

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Created container {Id} ({Name}) from {Image}")]
    private static partial void LogCreated(ILogger logger, string id, string name, string image);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Could not stop container {Id} while disposing the engine")]
    private static partial void LogDisposeFailed(ILogger logger, string id, Exception exception);
}
