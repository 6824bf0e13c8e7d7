using System.Globalization;
using Containers.Networks;

namespace Containers.Compose;

/// <summary>Finding a project's containers and their published ports by labels.</summary>
public sealed partial class ComposeOrchestrator
{
    /// <summary>Lists the project's containers (running ones, or all with <paramref name="all"/>), by service and number.</summary>
    public async Task<IReadOnlyList<ComposeContainer>> ListAsync(string projectName, bool all = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(projectName);
        var containers = await Containers.ListAsync(all, cancellationToken).ConfigureAwait(false);
        return containers
            .Where(c => c.Labels.GetValueOrDefault(ComposeLabels.Project) == projectName && c.Labels.ContainsKey(ComposeLabels.Service))
            .Select(c => new ComposeContainer(
                c.Labels[ComposeLabels.Service],
                int.TryParse(c.Labels.GetValueOrDefault(ComposeLabels.ContainerNumber), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0,
                c.Labels.GetValueOrDefault(ComposeLabels.OneOff) == "True",
                c))
            .OrderBy(c => c.Service, StringComparer.Ordinal).ThenBy(c => c.OneOff).ThenBy(c => c.Number)
            .ToList();
    }

    /// <summary>Finds the container of a service's replica <paramref name="number"/> (not a one-off).</summary>
    /// <exception cref="Containers.ContainerNotFoundException">The service has no such container.</exception>
    public async Task<ComposeContainer> GetContainerAsync(string projectName, string service, int number = 1, CancellationToken cancellationToken = default)
    {
        var containers = await ListAsync(projectName, all: true, cancellationToken).ConfigureAwait(false);
        return containers.FirstOrDefault(c => c.Service == service && c.Number == number && !c.OneOff)
            ?? throw new Containers.ContainerNotFoundException($"{projectName}-{service}-{number}");
    }

    /// <summary>Gets the host port a service's container publishes for <paramref name="containerPort"/> (it must be running).</summary>
    /// <exception cref="InvalidOperationException">The container does not publish that port.</exception>
    public async Task<int> GetMappedPortAsync(string projectName, string service, int containerPort, string protocol = "tcp", int number = 1, CancellationToken cancellationToken = default)
    {
        var container = await GetContainerAsync(projectName, service, number, cancellationToken).ConfigureAwait(false);
        var ports = await engine.Networks.GetPortsAsync(container.Summary.Id, cancellationToken).ConfigureAwait(false);
        return ports.FirstOrDefault(p => p.ContainerPort == containerPort && p.Protocol == protocol)?.HostPort
            ?? throw new InvalidOperationException($"service {service} ({container.Name}) does not publish {containerPort}/{protocol}: add it under ports: (published: {string.Join(", ", ports)})");
    }

    /// <summary>Gets the ports a running container of the project publishes.</summary>
    public Task<IReadOnlyList<PortBinding>> GetPortsAsync(ComposeContainer container, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(container);
        return engine.Networks.GetPortsAsync(container.Summary.Id, cancellationToken);
    }
}
