namespace Containers.Networks;

/// <summary>
/// Manages bridge networks: their subnets and addresses, which containers are connected, and the ports they publish.
/// The default network <c>bridge</c> exists on first use; <c>none</c> and <c>host</c> are modes, not networks.
/// </summary>
public interface INetworkService
{
    /// <summary>Creates a user-defined bridge network.</summary>
    /// <exception cref="NetworkNameConflictException">The name is taken, reserved or malformed.</exception>
    /// <exception cref="InvalidSubnetException">The subnet or gateway is malformed.</exception>
    /// <exception cref="SubnetOverlapException">The subnet overlaps another network or a host route.</exception>
    Task<NetworkDetails> CreateAsync(NetworkCreateOptions options, CancellationToken cancellationToken = default);

    /// <summary>Lists the networks, the default <c>bridge</c> included.</summary>
    Task<IReadOnlyList<NetworkDetails>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Describes a network by name, ID or unique ID prefix.</summary>
    /// <exception cref="NetworkNotFoundException">No network matches.</exception>
    Task<NetworkDetails> InspectAsync(string nameOrId, CancellationToken cancellationToken = default);

    /// <summary>Removes a user-defined network, its bridge and its rules.</summary>
    /// <exception cref="NetworkInUseException">Containers are connected to it.</exception>
    Task RemoveAsync(string nameOrId, CancellationToken cancellationToken = default);

    /// <summary>Removes every user-defined network no container is connected to.</summary>
    Task<NetworkPruneResult> PruneAsync(CancellationToken cancellationToken = default);

    /// <summary>Connects a container to a network; a running container gets its interface at once.</summary>
    Task ConnectAsync(string network, string container, IReadOnlyList<string>? aliases = null, CancellationToken cancellationToken = default);

    /// <summary>Disconnects a container from a network; a running container loses its interface at once.</summary>
    Task DisconnectAsync(string network, string container, CancellationToken cancellationToken = default);

    /// <summary>Returns the ports a running container publishes, with the host ports chosen (empty when it is stopped).</summary>
    Task<IReadOnlyList<PortBinding>> GetPortsAsync(string container, CancellationToken cancellationToken = default);
}
