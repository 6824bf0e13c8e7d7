namespace Containers.Networks;

/// <summary>
/// Puts networks into the host's kernel: bridges, veth pairs into containers' network namespaces, addresses, routes,
/// NAT, isolation and port-forwarding rules. The Linux package implements it; the network service holds the state.
/// </summary>
public interface INetworkDriver
{
    /// <summary>Returns the IPv4 subnets the host already routes, so new networks avoid them.</summary>
    IReadOnlyList<Ipv4Subnet> HostSubnets();

    /// <summary>Takes a host-wide lock while a subnet is chosen and its bridge created, so engines on other roots do not pick the same one.</summary>
    Task<IDisposable> LockHostAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates the network's bridge with its gateway address, or leaves it as it is when it exists.</summary>
    Task CreateNetworkAsync(NetworkDetails network, CancellationToken cancellationToken = default);

    /// <summary>Deletes the network's bridge.</summary>
    Task RemoveNetworkAsync(NetworkDetails network, CancellationToken cancellationToken = default);

    /// <summary>Creates a veth pair from the network's bridge into the namespace of process <paramref name="pid"/>, with the endpoint's address and, for the first interface, the default route.</summary>
    Task AttachAsync(NetworkDetails network, NetworkEndpoint endpoint, int pid, bool defaultRoute, CancellationToken cancellationToken = default);

    /// <summary>Deletes the endpoint's veth pair, if it is still there.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="containerExited">
    /// Whether the container's processes are gone: its network namespace is then being destroyed and takes its
    /// interfaces with it, so a driver may leave them to the kernel.
    /// </param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task DetachAsync(NetworkEndpoint endpoint, bool containerExited, CancellationToken cancellationToken = default);

    /// <summary>Replaces this root's firewall rules (NAT, isolation, published ports) with ones for <paramref name="networks"/>; an empty list removes them.</summary>
    Task SyncRulesAsync(IReadOnlyList<NetworkDetails> networks, CancellationToken cancellationToken = default);

    /// <summary>Tells whether a host port is free to publish on the address.</summary>
    bool IsHostPortFree(string hostIp, int port, string protocol);
}
