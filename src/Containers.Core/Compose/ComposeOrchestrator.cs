using System.Globalization;
using Containers.Containers;
using Containers.Hosting;
using Containers.Images;
using Containers.Networks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Compose;

/// <summary>
/// Runs Compose projects on an engine, as <c>docker compose</c> does: networks and volumes first, images built, then
/// services in dependency order (independent ones concurrently), each waiting for its dependencies' conditions.
/// Everything it creates carries Docker Compose's labels, so <see cref="DownAsync"/> and the queries need only the
/// project's name.
/// </summary>
public sealed partial class ComposeOrchestrator(ContainerEngine engine, ILogger<ComposeOrchestrator>? logger = null)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    private IContainerService Containers => engine.Containers;

    /// <summary>
    /// Creates the project's networks and volumes, builds images, and creates and starts its services' containers in
    /// dependency order; unchanged running containers are kept, changed ones recreated.
    /// </summary>
    /// <exception cref="ComposeWaitException">A dependency did not reach its condition, or (with <see cref="ComposeUpOptions.Wait"/>) a service did not become ready.</exception>
    public async Task<IReadOnlyList<ComposeContainer>> UpAsync(ComposeProject project, ComposeUpOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(project);
        options ??= new ComposeUpOptions();
        var selected = Selection(project, options.Services);
        await EnsureNetworksAsync(project, selected, cancellationToken).ConfigureAwait(false);
        await EnsureVolumesAsync(project, cancellationToken).ConfigureAwait(false);
        foreach (var service in selected.Where(s => s.Build is not null))
        {
            await EnsureImageAsync(project, service, options.Build, cancellationToken).ConfigureAwait(false);
        }

        var existing = await ListAsync(project.Name, all: true, cancellationToken).ConfigureAwait(false);
        var started = new Dictionary<string, Task<IReadOnlyList<string>>>(StringComparer.Ordinal);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        foreach (var name in project.StartOrder.Where(n => selected.Any(s => s.Name == n)))
        {
            var service = project.Services[name];
            var dependencies = service.DependsOn.Where(d => started.ContainsKey(d.Service)).Select(d => (d, started[d.Service])).ToList();
            started[name] = StartServiceAsync(project, service, dependencies, existing, options, failed.Token);
        }

        try
        {
            await Task.WhenAll(started.Values).ConfigureAwait(false);
        }
        catch
        {
            await failed.CancelAsync().ConfigureAwait(false);

            // The first real failure, not the cancellations it caused.
            var first = started.Values.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).FirstOrDefault();
            if (first is not null && first is not OperationCanceledException)
            {
                throw first;
            }

            throw;
        }

        if (options.Wait)
        {
            await WaitReadyAsync(project, selected, options.WaitTimeout, cancellationToken).ConfigureAwait(false);
        }

        return await ListAsync(project.Name, all: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The services asked for and everything they depend on; all services when none is named.</summary>
    private static List<ServiceConfig> Selection(ComposeProject project, IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            return [.. project.Services.Values];
        }

        var result = new Dictionary<string, ServiceConfig>(StringComparer.Ordinal);
        var pending = new Stack<string>(names);
        while (pending.TryPop(out var name))
        {
            if (!project.Services.TryGetValue(name, out var service))
            {
                throw new ComposeFileException(ComposeErrorKind.MissingReference, project.ConfigFiles.FirstOrDefault() ?? project.WorkingDirectory, 0, "services", $"no such service: {name}");
            }

            if (result.TryAdd(name, service))
            {
                foreach (var dependency in service.DependsOn)
                {
                    pending.Push(dependency.Service);
                }
            }
        }

        return [.. result.Values];
    }

    private async Task EnsureNetworksAsync(ComposeProject project, IReadOnlyList<ServiceConfig> services, CancellationToken cancellationToken)
    {
        foreach (var key in services.Where(s => s.NetworkMode is null).SelectMany(s => s.Networks.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var network = project.Networks[key];
            try
            {
                await engine.Networks.InspectAsync(network.Name, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (NetworkNotFoundException) when (!network.External)
            {
            }

            var labels = new Dictionary<string, string>(network.Labels, StringComparer.Ordinal)
            {
                [ComposeLabels.Project] = project.Name,
                [ComposeLabels.Network] = key,
            };
            try
            {
                await engine.Networks.CreateAsync(new NetworkCreateOptions { Name = network.Name, Labels = labels, Internal = network.Internal }, cancellationToken).ConfigureAwait(false);
                ComposeLog.NetworkCreated(_logger, project.Name, network.Name);
            }
            catch (NetworkNameConflictException)
            {
                // Another process of the same project made it meanwhile.
            }
        }
    }

    private async Task EnsureVolumesAsync(ComposeProject project, CancellationToken cancellationToken)
    {
        foreach (var (key, volume) in project.Volumes.Where(v => !v.Value.External))
        {
            var labels = new Dictionary<string, string>(volume.Labels, StringComparer.Ordinal)
            {
                [ComposeLabels.Project] = project.Name,
                [ComposeLabels.Volume] = key,
            };
            await engine.Volumes.CreateAsync(new Volumes.VolumeCreateOptions { Name = volume.Name, Labels = labels }, cancellationToken).ConfigureAwait(false);
            ComposeLog.VolumeCreated(_logger, project.Name, volume.Name);
        }
    }

    private async Task EnsureImageAsync(ComposeProject project, ServiceConfig service, bool rebuild, CancellationToken cancellationToken)
    {
        if (!rebuild)
        {
            try
            {
                await engine.Images.InspectAsync(service.Image, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ImageNotFoundException)
            {
            }
        }

        var build = service.Build!;
        ComposeLog.Building(_logger, project.Name, service.Name, service.Image);
        await engine.Images.BuildAsync(build.Context, new Build.BuildOptions
        {
            Tags = [service.Image],
            Dockerfile = build.Dockerfile,
            BuildArgs = build.Args,
            Target = build.Target,
            Labels = new Dictionary<string, string> { [ComposeLabels.Project] = project.Name, [ComposeLabels.Service] = service.Name },
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<string>> StartServiceAsync(
        ComposeProject project,
        ServiceConfig service,
        IReadOnlyList<(ServiceDependency Dependency, Task<IReadOnlyList<string>> Started)> dependencies,
        IReadOnlyList<ComposeContainer> existing,
        ComposeUpOptions options,
        CancellationToken cancellationToken)
    {
        foreach (var (dependency, started) in dependencies)
        {
            var containers = await started.ConfigureAwait(false);
            await WaitConditionAsync(project, dependency, containers, options.WaitTimeout, cancellationToken).ConfigureAwait(false);
        }

        var hash = ComposeWriter.ConfigHash(service);
        var names = new List<string>();
        var mine = existing.Where(c => c.Service == service.Name && !c.OneOff).ToList();
        foreach (var extra in mine.Where(c => c.Number > service.Replicas))
        {
            await Containers.RemoveAsync(extra.Summary.Id, force: true, removeVolumes: true, cancellationToken).ConfigureAwait(false);
        }

        for (var number = 1; number <= service.Replicas; number++)
        {
            var name = ContainerName(project, service, number);
            var current = mine.FirstOrDefault(c => c.Number == number);
            if (current is not null && (options.ForceRecreate || current.Summary.Labels.GetValueOrDefault(ComposeLabels.ConfigHash) != hash))
            {
                ComposeLog.Recreating(_logger, project.Name, current.Name);
                await Containers.RemoveAsync(current.Summary.Id, force: true, removeVolumes: true, cancellationToken).ConfigureAwait(false);
                current = null;
            }

            if (current is null)
            {
                await CreateAsync(project, service, name, number, hash, oneOff: false, options.Detached, null, cancellationToken).ConfigureAwait(false);
            }

            if (current is null || !current.Summary.State.IsRunning)
            {
                await Containers.StartAsync(name, cancellationToken).ConfigureAwait(false);
                ComposeLog.Started(_logger, project.Name, name);
            }

            names.Add(name);
        }

        return names;
    }

    /// <summary>Creates one container of a service, on its networks, with Compose's labels.</summary>
    private async Task CreateAsync(ComposeProject project, ServiceConfig service, string name, int number, string hash, bool oneOff, bool detached, ComposeRunOptions? run, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, string>(service.Labels, StringComparer.Ordinal)
        {
            [ComposeLabels.Project] = project.Name,
            [ComposeLabels.Service] = service.Name,
            [ComposeLabels.ContainerNumber] = number.ToString(CultureInfo.InvariantCulture),
            [ComposeLabels.OneOff] = oneOff ? "True" : "False",
            [ComposeLabels.ConfigHash] = hash,
            [ComposeLabels.WorkingDir] = project.WorkingDirectory,
            [ComposeLabels.ConfigFiles] = string.Join(',', project.ConfigFiles),
        };
        var networks = service.NetworkMode is null ? service.Networks.OrderBy(n => n.Key == "default" ? 0 : 1).ThenBy(n => n.Key, StringComparer.Ordinal).ToList() : [];
        var first = networks.Count > 0 ? networks[0] : default;
        await Containers.CreateAsync(new ContainerCreateOptions
        {
            Image = service.Image,
            Name = name,
            Command = run?.Command ?? service.Command,
            Entrypoint = run?.Entrypoint ?? service.Entrypoint,
            Environment = [.. service.Environment.Select(e => $"{e.Key}={e.Value}"), .. run?.Environment ?? []],
            WorkingDirectory = service.WorkingDir,
            User = run?.User ?? service.User,
            Hostname = service.Hostname,
            Labels = labels,
            Detached = detached,
            RestartPolicy = oneOff ? RestartPolicy.No : service.Restart,
            Network = networks.Count > 0 ? project.Networks[first.Key].Name : service.NetworkMode,
            NetworkAliases = networks.Count > 0 && !oneOff ? [service.Name, .. first.Value] : [],
            Mounts = service.Volumes,
            PortBindings = oneOff && run?.ServicePorts != true ? [] : service.Ports,
            ExtraHosts = service.ExtraHosts,
            HealthCheck = service.HealthCheck,
            NoHealthCheck = service.HealthCheckDisabled,
            StopSignal = service.StopSignal,
            StopTimeout = service.StopGracePeriod,
            CapAdd = service.CapAdd,
            CapDrop = service.CapDrop,
            Privileged = service.Privileged,
            ReadOnlyRootfs = service.ReadOnly,
            Memory = service.MemLimit,
            Cpus = service.Cpus,
            PullPolicy = service.Build is null ? PullPolicy.Missing : PullPolicy.Never,
        }, cancellationToken).ConfigureAwait(false);
        foreach (var (key, aliases) in networks.Skip(1))
        {
            await engine.Networks.ConnectAsync(project.Networks[key].Name, name, oneOff ? [] : [service.Name, .. aliases], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gets the name of a service's container: <c>container_name</c>, or <c>&lt;project&gt;-&lt;service&gt;-&lt;n&gt;</c>.</summary>
    public static string ContainerName(ComposeProject project, ServiceConfig service, int number)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(service);
        return service.ContainerName ?? string.Create(CultureInfo.InvariantCulture, $"{project.Name}-{service.Name}-{number}");
    }
}
