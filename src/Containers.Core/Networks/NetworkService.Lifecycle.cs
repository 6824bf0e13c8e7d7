using System.Globalization;
using System.Text;
using Containers.Containers;

namespace Containers.Networks;

/// <summary>Creating and removing bridges, and giving containers their endpoints as they start and exit.</summary>
internal sealed partial class NetworkService
{
    /// <summary>Creates the default network <c>bridge</c> the first time it is asked for.</summary>
    private async Task EnsureDefaultAsync(CancellationToken cancellationToken)
    {
        var networks = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
        if (networks.Any(n => n.IsDefault))
        {
            return;
        }

        using (await _store.LockAsync(cancellationToken).ConfigureAwait(false))
        {
            networks = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
            if (networks.Any(n => n.IsDefault))
            {
                return;
            }

            var network = await CreateLockedAsync(DefaultNetwork, null, null, AddressAllocator.DefaultPool, networks, cancellationToken).ConfigureAwait(false);
            network = network with { IsDefault = true };
            await RecordCreatedAsync(network, cancellationToken).ConfigureAwait(false);
            networks.Add(network);
            await RequiredDriver.SyncRulesAsync(networks, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Records a network whose bridge was just created; when the record cannot be written (a full disk), the bridge is
    /// removed again, since nothing would ever find it to remove it later.
    /// </summary>
    private async Task RecordCreatedAsync(NetworkDetails network, CancellationToken cancellationToken)
    {
        try
        {
            await _store.WriteAsync(network, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await RequiredDriver.RemoveNetworkAsync(network, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Chooses or checks the subnet under the host-wide lock, and creates the bridge before the lock is released, so its route marks the subnet taken.</summary>
    private async Task<NetworkDetails> CreateLockedAsync(string name, Ipv4Subnet? requested, string? gatewayText, Ipv4Subnet pool, List<NetworkDetails> networks, CancellationToken cancellationToken)
    {
        var driver = RequiredDriver;
        using (await driver.LockHostAsync(cancellationToken).ConfigureAwait(false))
        {
            var ours = networks.Select(n => (Subnet: Ipv4Subnet.Parse(n.Subnet), n.Name)).ToList();
            var host = driver.HostSubnets();
            Ipv4Subnet subnet;
            if (requested is { } asked)
            {
                if (ours.FirstOrDefault(o => o.Subnet.Overlaps(asked)) is { Name: not null } clash)
                {
                    throw new SubnetOverlapException(asked.ToString(), $"network {clash.Name} ({clash.Subnet})");
                }

                if (host.FirstOrDefault(h => h.Overlaps(asked)) is { PrefixLength: > 0 } route)
                {
                    throw new SubnetOverlapException(asked.ToString(), $"the host route {route}");
                }

                subnet = asked;
            }
            else
            {
                subnet = AddressAllocator.ChooseSubnet(pool, ours.Select(o => o.Subnet).Concat(host));
            }

            var gateway = subnet.FirstHost;
            if (gatewayText is not null)
            {
                gateway = Ipv4Subnet.ParseAddress(gatewayText);
                if (!subnet.Contains(gateway) || gateway == subnet.Network || gateway == subnet.Broadcast)
                {
                    throw new InvalidSubnetException(gatewayText, $"the gateway must be a host address inside {subnet}");
                }
            }

            var id = NetworkStore.NewId();
            var network = new NetworkDetails
            {
                Name = name,
                Id = id,
                Subnet = subnet.ToString(),
                Gateway = Ipv4Subnet.FormatAddress(gateway),
                BridgeName = "dc" + id[..12],
                Created = DateTimeOffset.UtcNow,
            };
            await driver.CreateNetworkAsync(network, cancellationToken).ConfigureAwait(false);
            return network;
        }
    }

    private async Task RemoveLockedAsync(NetworkDetails network, List<NetworkDetails> networks, CancellationToken cancellationToken)
    {
        _store.Delete(network.Name);
        networks.RemoveAll(n => n.Name == network.Name);
        await RequiredDriver.SyncRulesAsync(networks, cancellationToken).ConfigureAwait(false);
        await RequiredDriver.RemoveNetworkAsync(network, cancellationToken).ConfigureAwait(false);
        LogRemoved(_logger, network.Name);
    }

    /// <summary>Checks a new container's network options; the network must exist, and ports need one.</summary>
    public async Task ValidateAsync(ContainerCreateOptions options, CancellationToken cancellationToken)
    {
        if (!IsBridgeMode(options.Network))
        {
            if (options.PortBindings.Count > 0 || options.NetworkAliases.Count > 0)
            {
                throw new InvalidContainerConfigurationException("network", $"published ports and network aliases need a bridge network, not network mode '{options.Network ?? "none"}': add --network bridge or a user-defined network");
            }

            return;
        }

        var network = await InspectAsync(options.Network!, cancellationToken).ConfigureAwait(false);
        if (network.IsDefault && options.NetworkAliases.Count > 0)
        {
            throw new InvalidContainerConfigurationException("network-alias", "network aliases work only on user-defined networks, as in Docker");
        }

        foreach (var port in options.PortBindings)
        {
            // Typed records can still hold values no -p string could.
            _ = PortBinding.Parse(port.ToSpecification());
        }
    }

    /// <summary>Connects a newly created container to the network its options name.</summary>
    public async Task JoinAsync(string containerId, string name, ContainerCreateOptions options, CancellationToken cancellationToken)
    {
        if (!IsBridgeMode(options.Network))
        {
            return;
        }

        using (await _store.LockAsync(cancellationToken).ConfigureAwait(false))
        {
            var networks = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
            var network = Find(networks, options.Network!);
            var endpoint = new NetworkEndpoint { ContainerId = containerId, ContainerName = name, Aliases = options.NetworkAliases, RequestedPorts = options.PortBindings };
            await _store.WriteAsync(network with { Endpoints = [.. network.Endpoints, endpoint] }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gives a created (not yet started) container an address and interface on each of its networks.</summary>
    public async Task AttachContainerAsync(string containerId, int pid, CancellationToken cancellationToken)
    {
        using (await _store.LockAsync(cancellationToken).ConfigureAwait(false))
        {
            var networks = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
            var names = networks.Where(n => n.Endpoints.Any(e => e.ContainerId == containerId)).Select(n => n.Name).ToList();
            if (names.Count > 0)
            {
                await AttachLockedAsync(containerId, pid, networks, names, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task AttachLockedAsync(string containerId, int pid, List<NetworkDetails> networks, List<string> names, CancellationToken cancellationToken)
    {
        var driver = RequiredDriver;
        var changed = new List<NetworkDetails>();
        try
        {
            foreach (var name in names)
            {
                var network = networks.First(n => n.Name == name);
                var endpoint = network.Endpoints.First(e => e.ContainerId == containerId);
                var interfaceIndex = networks.SelectMany(n => n.Endpoints).Count(e => e.ContainerId == containerId && e.Interface is not null);
                var active = endpoint with
                {
                    Address = AddressAllocator.ChooseAddress(network),
                    Interface = "eth" + interfaceIndex.ToString(CultureInfo.InvariantCulture),
                    HostInterface = HostInterfaceName(containerId, network.Id),
                    Ports = ChoosePorts(endpoint.RequestedPorts, networks, containerId, driver),
                };
                network = network with { Endpoints = network.Endpoints.Select(e => e.ContainerId == containerId ? active : e).ToList() };

                // Recorded before the veth exists, so a crash in between leaves an endpoint that recovery releases.
                await _store.WriteAsync(network, cancellationToken).ConfigureAwait(false);
                Replace(networks, network);
                changed.Add(network);
                await driver.AttachAsync(network, active, pid, defaultRoute: interfaceIndex == 0, cancellationToken).ConfigureAwait(false);
                LogPublished(_logger, containerId, network.Name, active.Ports);
            }

            await AfterChangeAsync(networks, changed, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Undo only this call's endpoints: a failed live connect must not cut the container off its other networks.
            await ReleaseLockedAsync(containerId, networks, changed.Select(n => n.Name).ToHashSet(StringComparer.Ordinal), containerExited: false, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Releases a stopped container's addresses, interfaces and published ports; its connections remain.</summary>
    public async Task DetachContainerAsync(string containerId, CancellationToken cancellationToken)
    {
        if (Driver is null)
        {
            return;
        }

        try
        {
            using (await _store.LockAsync(cancellationToken).ConfigureAwait(false))
            {
                var networks = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
                await ReleaseLockedAsync(containerId, networks, null, containerExited: true, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is ContainersException or IOException)
        {
            LogDetachFailed(_logger, containerId, e);
        }
    }

    /// <summary>Disconnects a removed container from every network.</summary>
    public async Task ForgetContainerAsync(string containerId, CancellationToken cancellationToken)
    {
        using (await _store.LockAsync(cancellationToken).ConfigureAwait(false))
        {
            var networks = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
            await ReleaseLockedAsync(containerId, networks, null, containerExited: false, cancellationToken).ConfigureAwait(false);
            foreach (var network in networks.Where(n => n.Endpoints.Any(e => e.ContainerId == containerId)).ToList())
            {
                await _store.WriteAsync(network with { Endpoints = network.Endpoints.Where(e => e.ContainerId != containerId).ToList() }, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ReleaseLockedAsync(string containerId, List<NetworkDetails> networks, HashSet<string>? only, bool containerExited, CancellationToken cancellationToken)
    {
        var changed = new List<NetworkDetails>();
        foreach (var network in networks.Where(n => (only is null || only.Contains(n.Name)) && n.Endpoints.Any(e => e.ContainerId == containerId && e.Address is not null)).ToList())
        {
            var endpoint = network.Endpoints.First(e => e.ContainerId == containerId);
            if (Driver is { } driver)
            {
                await driver.DetachAsync(endpoint, containerExited, cancellationToken).ConfigureAwait(false);
            }

            var released = endpoint with { Address = null, Interface = null, HostInterface = null, Ports = [] };
            var updated = network with { Endpoints = network.Endpoints.Select(e => e.ContainerId == containerId ? released : e).ToList() };
            await _store.WriteAsync(updated, cancellationToken).ConfigureAwait(false);
            Replace(networks, updated);
            changed.Add(updated);
        }

        if (changed.Count > 0)
        {
            await AfterChangeAsync(networks, changed, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Rewrites the firewall rules and the hosts files of every running container on the changed networks.</summary>
    private async Task AfterChangeAsync(List<NetworkDetails> networks, List<NetworkDetails> changed, CancellationToken cancellationToken)
    {
        await RequiredDriver.SyncRulesAsync(networks, cancellationToken).ConfigureAwait(false);
        var containers = changed.SelectMany(n => n.Endpoints).Where(e => e.Address is not null).Select(e => e.ContainerId).Distinct(StringComparer.Ordinal);
        foreach (var id in containers)
        {
            await WriteHostsAsync(id, networks, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes a container's <c>/etc/hosts</c>: its own address and host name, then the names and aliases of the other
    /// running containers on its user-defined networks. Written in place, because the file is bind-mounted by inode.
    /// </summary>
    private async Task WriteHostsAsync(string containerId, List<NetworkDetails> networks, CancellationToken cancellationToken)
    {
        var record = await _containers.ReadRecordAsync(containerId, cancellationToken).ConfigureAwait(false);
        var path = Path.Combine(_containers.DirectoryOf(containerId), "hosts");
        if (record is null || !File.Exists(path))
        {
            return;
        }

        var hostname = record.Options.Hostname ?? containerId[..12];
        var home = networks.FirstOrDefault(n => n.Endpoints.Any(e => e.ContainerId == containerId && e.Address is not null));
        var own = home?.Endpoints.First(e => e.ContainerId == containerId);
        var peers = networks.Where(n => !n.IsDefault && n.Endpoints.Any(e => e.ContainerId == containerId && e.Address is not null))
            .SelectMany(n => n.Endpoints.Where(e => e.ContainerId != containerId && e.Address is not null))
            .Select(other => $"{other.Address}\t{string.Join(' ', [other.ContainerName, .. other.Aliases, other.ContainerId[..12]])}");
        var text = NameResolutionFiles.Hosts(hostname, own?.Address, home?.Gateway ?? "127.0.0.1", record.Options.ExtraHosts, peers);
        await File.WriteAllTextAsync(path, text, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Fills in free host ports for bindings that asked for any, refusing ports other containers of this root publish.</summary>
    private static List<PortBinding> ChoosePorts(IReadOnlyList<PortBinding> requested, List<NetworkDetails> networks, string containerId, INetworkDriver driver)
    {
        var taken = networks.SelectMany(n => n.Endpoints).Where(e => e.ContainerId != containerId)
            .SelectMany(e => e.Ports.Select(p => (p.HostPort, p.Protocol, e.ContainerName))).ToList();
        var chosen = new List<PortBinding>();
        foreach (var port in requested)
        {
            if (port.HostPort != 0 && port.HostPortEnd > port.HostPort)
            {
                chosen.Add(port with { HostPort = FreePort(port, port.HostPort, port.HostPortEnd, sequential: true, taken, chosen, driver), HostPortEnd = 0 });
            }
            else if (port.HostPort != 0)
            {
                if (taken.FirstOrDefault(t => t.HostPort == port.HostPort && t.Protocol == port.Protocol) is { ContainerName: not null } holder)
                {
                    throw new PortAlreadyAllocatedException(port.HostIp, port.HostPort, port.Protocol, holder.ContainerName);
                }

                if (!driver.IsHostPortFree(port.HostIp, port.HostPort, port.Protocol))
                {
                    throw new PortAlreadyAllocatedException(port.HostIp, port.HostPort, port.Protocol, "(a host process listens on it)");
                }

                chosen.Add(port);
            }
            else
            {
                // Docker's default range for ephemeral published ports.
                chosen.Add(port with { HostPort = FreePort(port, 32768, 60999, sequential: false, taken, chosen, driver) });
            }

            taken.Add((chosen[^1].HostPort, port.Protocol, string.Empty));
        }

        return chosen;
    }

    /// <summary>
    /// Returns a host port of the range no container of this root publishes and no host process holds, trying from the
    /// first port (a range the user gave) or from a random one (the ephemeral range, which keeps concurrent roots apart).
    /// </summary>
    private static int FreePort(PortBinding port, int first, int last, bool sequential, List<(int HostPort, string Protocol, string ContainerName)> taken, List<PortBinding> chosen, INetworkDriver driver)
    {
        var start = sequential ? first : Random.Shared.Next(first, last + 1);
        for (var i = 0; i <= last - first; i++)
        {
            var candidate = first + ((start - first + i) % (last - first + 1));
            if (!taken.Any(t => t.HostPort == candidate && t.Protocol == port.Protocol) && !chosen.Any(c => c.HostPort == candidate)
                && driver.IsHostPortFree(port.HostIp, candidate, port.Protocol))
            {
                return candidate;
            }
        }

        throw new AddressPoolExhaustedException($"No free host port is left in {first}-{last} for {port.ContainerPort}/{port.Protocol}.");
    }

    internal static string HostInterfaceName(string containerId, string networkId) =>
        "dv" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes(containerId + networkId)))[..12];

    /// <summary>Releases endpoints of containers that no longer run and forgets those of removed containers; rewrites the rules.</summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        if (Driver is null || !Directory.Exists(Path.GetDirectoryName(_containers.DirectoryOf("x"))))
        {
            return 0;
        }

        var count = 0;
        using (await _store.LockAsync(cancellationToken).ConfigureAwait(false))
        {
            var networks = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
            if (networks.Count == 0)
            {
                return 0;
            }

            foreach (var id in networks.SelectMany(n => n.Endpoints).Select(e => e.ContainerId).Distinct(StringComparer.Ordinal).ToList())
            {
                var record = await _containers.ReadRecordAsync(id, cancellationToken).ConfigureAwait(false);
                var state = await _containers.ReadStateAsync(id, cancellationToken).ConfigureAwait(false);
                if (record is null || !state.IsRunning)
                {
                    var active = networks.SelectMany(n => n.Endpoints).Any(e => e.ContainerId == id && e.Address is not null);
                    await ReleaseLockedAsync(id, networks, null, containerExited: true, cancellationToken).ConfigureAwait(false);
                    count += active ? 1 : 0;
                }

                if (record is null)
                {
                    foreach (var network in networks.Where(n => n.Endpoints.Any(e => e.ContainerId == id)).ToList())
                    {
                        var updated = network with { Endpoints = network.Endpoints.Where(e => e.ContainerId != id).ToList() };
                        await _store.WriteAsync(updated, cancellationToken).ConfigureAwait(false);
                        Replace(networks, updated);
                        count++;
                    }
                }
            }

            foreach (var network in networks)
            {
                await RequiredDriver.CreateNetworkAsync(network, cancellationToken).ConfigureAwait(false); // bridges are gone after a reboot
            }

            await RequiredDriver.SyncRulesAsync(networks, cancellationToken).ConfigureAwait(false);
        }

        return count;
    }

    /// <summary>
    /// Removes every network of the root, the default one included, with its bridge and the root's firewall table; for a
    /// store that is being deleted (<c>system reset</c>, test fixtures). Endpoints must be released first.
    /// </summary>
    internal async Task RemoveAllAsync(CancellationToken cancellationToken)
    {
        if (Driver is null)
        {
            return;
        }

        using (await _store.LockAsync(cancellationToken).ConfigureAwait(false))
        {
            var networks = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var network in networks.ToList())
            {
                await RemoveLockedAsync(network, networks, cancellationToken).ConfigureAwait(false);
            }

            await RequiredDriver.SyncRulesAsync([], cancellationToken).ConfigureAwait(false);
        }
    }
}
