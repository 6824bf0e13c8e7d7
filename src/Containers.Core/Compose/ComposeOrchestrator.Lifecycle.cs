using System.Globalization;
using Containers.Containers;
using Containers.Volumes;

namespace Containers.Compose;

/// <summary><c>down</c>, <c>stop</c>, <c>start</c>, <c>restart</c> and <c>run</c>.</summary>
public sealed partial class ComposeOrchestrator
{
    /// <summary>
    /// Stops and removes the project's containers (one-offs included), then its networks and, with
    /// <see cref="ComposeDownOptions.RemoveVolumes"/>, its named volumes: everything found by the project label, so no
    /// Compose file is needed.
    /// </summary>
    public async Task DownAsync(string projectName, ComposeDownOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(projectName);
        options ??= new ComposeDownOptions();
        var containers = await ListAsync(projectName, all: true, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(containers.Select(async c =>
        {
            if (c.Summary.State.IsRunning)
            {
                await Containers.StopAsync(c.Summary.Id, options.Timeout, cancellationToken).ConfigureAwait(false);
            }

            await Containers.RemoveAsync(c.Summary.Id, force: true, removeVolumes: options.RemoveVolumes, cancellationToken).ConfigureAwait(false);
            ComposeLog.Removed(_logger, projectName, "container", c.Name);
        })).ConfigureAwait(false);

        foreach (var network in (await engine.Networks.ListAsync(cancellationToken).ConfigureAwait(false))
            .Where(n => n.Labels.GetValueOrDefault(ComposeLabels.Project) == projectName))
        {
            await engine.Networks.RemoveAsync(network.Name, cancellationToken).ConfigureAwait(false);
            ComposeLog.Removed(_logger, projectName, "network", network.Name);
        }

        if (options.RemoveVolumes)
        {
            var volumes = await engine.Volumes.ListAsync(new VolumeListOptions { Labels = [$"{ComposeLabels.Project}={projectName}"] }, cancellationToken).ConfigureAwait(false);
            foreach (var volume in volumes)
            {
                await engine.Volumes.RemoveAsync(volume.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
                ComposeLog.Removed(_logger, projectName, "volume", volume.Name);
            }
        }
    }

    /// <summary>Stops the project's running containers (of <paramref name="services"/>, or all), dependents first.</summary>
    public async Task StopAsync(ComposeProject project, IReadOnlyList<string>? services = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(project);
        var containers = await ListAsync(project.Name, all: false, cancellationToken).ConfigureAwait(false);
        foreach (var name in project.StartOrder.Reverse().Where(n => services is not { Count: > 0 } || services.Contains(n)))
        {
            await Task.WhenAll(containers.Where(c => c.Service == name && !c.OneOff)
                .Select(c => Containers.StopAsync(c.Summary.Id, timeout, cancellationToken))).ConfigureAwait(false);
        }
    }

    /// <summary>Starts the project's existing containers (of <paramref name="services"/>, or all), in dependency order.</summary>
    public async Task StartAsync(ComposeProject project, IReadOnlyList<string>? services = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(project);
        var containers = await ListAsync(project.Name, all: true, cancellationToken).ConfigureAwait(false);
        foreach (var name in project.StartOrder.Where(n => services is not { Count: > 0 } || services.Contains(n)))
        {
            foreach (var container in containers.Where(c => c.Service == name && !c.OneOff && !c.Summary.State.IsRunning))
            {
                await Containers.StartAsync(container.Summary.Id, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Restarts the project's containers (of <paramref name="services"/>, or all).</summary>
    public async Task RestartAsync(ComposeProject project, IReadOnlyList<string>? services = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        await StopAsync(project, services, timeout, cancellationToken).ConfigureAwait(false);
        await StartAsync(project, services, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates and starts a one-off container of a service (<c>compose run</c>), named
    /// <c>&lt;project&gt;-&lt;service&gt;-run-&lt;id&gt;</c>, after starting its dependencies (unless <see cref="ComposeRunOptions.NoDeps"/>).
    /// </summary>
    public async Task<ContainerDetails> RunAsync(ComposeProject project, string service, ComposeRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(project);
        options ??= new ComposeRunOptions();
        var config = project.Services.TryGetValue(service, out var found)
            ? found
            : throw new ComposeFileException(ComposeErrorKind.MissingReference, project.ConfigFiles.FirstOrDefault() ?? project.WorkingDirectory, 0, "services", $"no such service: {service}");
        if (!options.NoDeps && config.DependsOn.Count > 0)
        {
            await UpAsync(project, new ComposeUpOptions { Services = config.DependsOn.Select(d => d.Service).ToList() }, cancellationToken).ConfigureAwait(false);
            foreach (var dependency in config.DependsOn)
            {
                var containers = Enumerable.Range(1, project.Services[dependency.Service].Replicas).Select(n => ContainerName(project, project.Services[dependency.Service], n)).ToList();
                await WaitConditionAsync(project, dependency, containers, TimeSpan.FromMinutes(5), cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            await EnsureNetworksAsync(project, [config], cancellationToken).ConfigureAwait(false);
            await EnsureVolumesAsync(project, cancellationToken).ConfigureAwait(false);
        }

        if (config.Build is not null)
        {
            await EnsureImageAsync(project, config, rebuild: false, cancellationToken).ConfigureAwait(false);
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"{project.Name}-{service}-run-{Guid.NewGuid():N}")[..(project.Name.Length + service.Length + 18)];
        await CreateAsync(project, config with { ContainerName = null }, name, 1, ComposeWriter.ConfigHash(config), oneOff: true, options.Detached, options, cancellationToken).ConfigureAwait(false);
        await Containers.StartAsync(name, cancellationToken).ConfigureAwait(false);
        return await Containers.InspectAsync(name, cancellationToken).ConfigureAwait(false);
    }
}
