using System.Text.RegularExpressions;
using Containers.Containers;
using Containers.Hosting;
using Containers.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Containers.Networks;

/// <summary>
/// The engine's <see cref="INetworkService"/>: network files under one root lock, a driver that puts them into the kernel,
/// and the hooks the container service calls when containers are created, start, exit and are removed.
/// </summary>
internal sealed partial class NetworkService : INetworkService
{
    /// <summary>The default network's name.</summary>
    public const string DefaultNetwork = "bridge";

    private readonly NetworkStore _store;
    private readonly ContainerStore _containers;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly string? _defaultMode;
    private INetworkDriver? _driver;
    private bool _driverResolved;

    public NetworkService(StoreLayout layout, ContainerStore containers, IServiceProvider services, ILogger<NetworkService> logger, Hosting.ContainersOptions options)
    {
        _defaultMode = options.DefaultNetwork;
        _store = new NetworkStore(layout);
        _containers = containers;
        _services = services;
        _logger = logger;
    }

    /// <summary>Gets the driver, when a platform package added one.</summary>
    /// <remarks>
    /// Kept once resolved, its absence too: a provider being disposed refuses every lookup, and containers killed then
    /// still detach (without a driver, by doing nothing).
    /// </remarks>
    private INetworkDriver? Driver
    {
        get
        {
            if (!_driverResolved)
            {
                _driver = _services.GetService<INetworkDriver>();
                _driverResolved = true;
            }

            return _driver;
        }
    }

    private INetworkDriver RequiredDriver => Driver
        ?? throw new InvalidOperationException("No network driver is configured: add one to the engine, for example with builder.AddLinuxRuntime().");

    /// <summary>Returns the network mode a new container gets: the one asked for, else the configured or platform default.</summary>
    public string ResolveMode(string? requested) => requested ?? _defaultMode ?? (Driver is null ? "none" : DefaultNetwork);

    /// <summary>Tells whether a network mode names a bridge network rather than <c>none</c> or <c>host</c>.</summary>
    public static bool IsBridgeMode(string? mode) => mode is not (null or "none" or "host");

    public async Task<NetworkDetails> CreateAsync(NetworkCreateOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateName(options.Name);
        Ipv4Subnet? subnet = options.Subnet is null ? null : Ipv4Subnet.Parse(options.Subnet);
        if (options.Gateway is not null && subnet is null)
        {
            throw new InvalidSubnetException(options.Gateway, "a gateway needs a subnet (--subnet)");
        }

        using (await _store.LockAsync(cancellationToken).ConfigureAwait(false))
        {
            var networks = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
            if (networks.Any(n => n.Name == options.Name))
            {
                throw new NetworkNameConflictException(options.Name, "a network with that name exists");
            }

            var network = await CreateLockedAsync(options.Name, subnet, options.Gateway, AddressAllocator.UserPool, networks, cancellationToken).ConfigureAwait(false);
            network = network with { Labels = options.Labels, Internal = options.Internal };
            await RecordCreatedAsync(network, cancellationToken).ConfigureAwait(false);
            networks.Add(network);
            await RequiredDriver.SyncRulesAsync(networks, cancellationToken).ConfigureAwait(false);
            LogCreated(_logger, network.Name, network.Subnet, network.BridgeName);
            return network;
        }
    }

    public async Task<IReadOnlyList<NetworkDetails>> ListAsync(CancellationToken cancellationToken = default) =>
        await _store.ListAsync(cancellationToken).ConfigureAwait(false);

    public async Task<NetworkDetails> InspectAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrId);
        if (nameOrId == DefaultNetwork && Driver is not null)
        {
            await EnsureDefaultAsync(cancellationToken).ConfigureAwait(false);
        }

        return Find(await _store.ListAsync(cancellationToken).ConfigureAwait(false), nameOrId);
    }

    public async Task RemoveAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        using (await _store.LockAsync(cancellationToken).ConfigureAwait(false))
        {
            var networks = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
            if (nameOrId == DefaultNetwork || Find(networks, nameOrId) is { IsDefault: true })
            {
                throw new PredefinedNetworkException(DefaultNetwork);
            }

            var network = Find(networks, nameOrId);
            if (network.Endpoints.Count > 0)
            {
                throw new NetworkInUseException(network.Name, network.Endpoints.Select(e => e.ContainerName).ToList());
            }

            await RemoveLockedAsync(network, networks, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<NetworkPruneResult> PruneAsync(CancellationToken cancellationToken = default)
    {
        var removed = new List<string>();
        using (await _store.LockAsync(cancellationToken).ConfigureAwait(false))
        {
            var networks = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var network in networks.Where(n => !n.IsDefault && n.Endpoints.Count == 0).ToList())
            {
                await RemoveLockedAsync(network, networks, cancellationToken).ConfigureAwait(false);
                removed.Add(network.Name);
            }
        }

        return new NetworkPruneResult(removed);
    }

    public async Task ConnectAsync(string network, string container, IReadOnlyList<string>? aliases = null, CancellationToken cancellationToken = default)
    {
        var record = await _containers.FindAsync(container, cancellationToken).ConfigureAwait(false);
        if (!IsBridgeMode(record.Options.Network))
        {
            throw new InvalidContainerConfigurationException("network", $"container {record.Name} uses network mode '{record.Options.Network ?? "none"}' and cannot be connected to a network");
        }

        if (network == DefaultNetwork)
        {
            await EnsureDefaultAsync(cancellationToken).ConfigureAwait(false);
        }

        using (await _store.LockAsync(cancellationToken).ConfigureAwait(false))
        {
            var networks = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
            var target = Find(networks, network);
            if (target.Endpoints.Any(e => e.ContainerId == record.Id))
            {
                throw new InvalidContainerConfigurationException("network", $"container {record.Name} is already connected to network {target.Name}");
            }

            var endpoint = new NetworkEndpoint { ContainerId = record.Id, ContainerName = record.Name, Aliases = aliases ?? [] };
            target = target with { Endpoints = [.. target.Endpoints, endpoint] };
            await _store.WriteAsync(target, cancellationToken).ConfigureAwait(false);
            Replace(networks, target);
            var state = await _containers.ReadStateAsync(record.Id, cancellationToken).ConfigureAwait(false);
            if (state.IsRunning)
            {
                await AttachLockedAsync(record.Id, state.Pid, networks, [target.Name], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task DisconnectAsync(string network, string container, CancellationToken cancellationToken = default)
    {
        var record = await _containers.FindAsync(container, cancellationToken).ConfigureAwait(false);
        using (await _store.LockAsync(cancellationToken).ConfigureAwait(false))
        {
            var networks = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
            var target = Find(networks, network);
            var endpoint = target.Endpoints.FirstOrDefault(e => e.ContainerId == record.Id)
                ?? throw new InvalidContainerConfigurationException("network", $"container {record.Name} is not connected to network {target.Name}");
            if (endpoint.Address is not null)
            {
                await RequiredDriver.DetachAsync(endpoint, containerExited: false, cancellationToken).ConfigureAwait(false);
            }

            target = target with { Endpoints = target.Endpoints.Where(e => e.ContainerId != record.Id).ToList() };
            await _store.WriteAsync(target, cancellationToken).ConfigureAwait(false);
            Replace(networks, target);
            await AfterChangeAsync(networks, [target], cancellationToken).ConfigureAwait(false);
            await WriteHostsAsync(record.Id, networks, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<PortBinding>> GetPortsAsync(string container, CancellationToken cancellationToken = default)
    {
        var record = await _containers.FindAsync(container, cancellationToken).ConfigureAwait(false);
        var networks = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
        return networks.SelectMany(n => n.Endpoints).Where(e => e.ContainerId == record.Id).SelectMany(e => e.Ports).ToList();
    }

    private static NetworkDetails Find(List<NetworkDetails> networks, string nameOrId)
    {
        if (networks.FirstOrDefault(n => n.Name == nameOrId || n.Id == nameOrId) is { } exact)
        {
            return exact;
        }

        var byPrefix = nameOrId.Length >= 3 ? networks.Where(n => n.Id.StartsWith(nameOrId, StringComparison.Ordinal)).ToList() : [];
        return byPrefix.Count == 1 ? byPrefix[0] : throw new NetworkNotFoundException(nameOrId);
    }

    private static void Replace(List<NetworkDetails> networks, NetworkDetails network)
    {
        var index = networks.FindIndex(n => n.Name == network.Name);
        networks[index] = network;
    }

    private static void ValidateName(string name)
    {
        if (name is "none" or "host" or DefaultNetwork)
        {
            throw new NetworkNameConflictException(name, "the name is reserved for a predefined network mode");
        }

        if (!NamePattern().IsMatch(name) || name.Length > 128)
        {
            throw new NetworkNameConflictException(name, "a name may hold only letters, digits, '_', '.' and '-', must start with a letter or digit, and be at most 128 characters");
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex NamePattern();

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Created network {Name} ({Subnet}) on bridge {Bridge}")]
    private static partial void LogCreated(ILogger logger, string name, string subnet, string bridge);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "Removed network {Name}")]
    private static partial void LogRemoved(ILogger logger, string name);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "Releasing the network endpoint of container {Id} failed")]
    private static partial void LogDetachFailed(ILogger logger, string id, Exception exception);
}
