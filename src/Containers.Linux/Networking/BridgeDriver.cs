using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Containers.Hosting;
using Containers.Linux.Interop;
using Containers.Networks;

namespace Containers.Linux.Networking;

/// <summary>
/// The Linux <see cref="INetworkDriver"/>: a bridge per network, a veth pair per endpoint created straight into the
/// container's namespace, addresses and routes over rtnetlink, and one nftables table per store root.
/// </summary>
/// <remarks>
/// Published ports are kernel DNAT rules, not a userland proxy: they keep working when the process that started the
/// container exits (a detached container, a CLI), and cost nothing per connection. Loopback reaches them because the
/// output hook translates too and each bridge has <c>route_localnet</c> set, as Docker does without its proxy.
/// </remarks>
internal sealed class BridgeDriver : INetworkDriver, IDisposable
{
    /// <summary>The host-wide lock that network creation holds from choosing a subnet until its bridge is labelled.</summary>
    internal const string HostLockPath = "/run/dotnet-containers/networks.lock";
    private readonly INetworkLinks _links;
    private readonly IFirewall _firewall;
    private readonly Roots.RootOwner _owner;

    public BridgeDriver(StoreLayout layout, Roots.RootOwner? owner = null)
        : this(layout, owner ?? new Roots.RootOwner(layout), new LinuxNetworkLinks(), new Nftables())
    {
    }

    /// <summary>Creates a driver over the given kernel seams; tests pass fakes.</summary>
    internal BridgeDriver(StoreLayout layout, Roots.RootOwner owner, INetworkLinks links, IFirewall firewall)
    {
        _owner = owner;
        _links = links;
        _firewall = firewall;
        TableName = "dotnet_containers_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(layout.Root)))[..12];
    }

    /// <summary>Gets this root's nftables table (in the <c>ip</c> family).</summary>
    public string TableName { get; }

    public IReadOnlyList<Ipv4Subnet> HostSubnets()
    {
        // /proc/net/route lists IPv4 routes of the main table with little-endian hex destination and mask.
        var subnets = new List<Ipv4Subnet>();
        foreach (var line in File.ReadLines("/proc/net/route").Skip(1))
        {
            var fields = line.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (fields.Length < 8)
            {
                continue;
            }

            var destination = BitConverter.ToUInt32(BitConverter.GetBytes(uint.Parse(fields[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture)).Reverse().ToArray());
            var mask = BitConverter.ToUInt32(BitConverter.GetBytes(uint.Parse(fields[7], NumberStyles.HexNumber, CultureInfo.InvariantCulture)).Reverse().ToArray());
            if (mask != 0)
            {
                subnets.Add(Ipv4Subnet.Create(destination, System.Numerics.BitOperations.PopCount(mask)));
            }
        }

        return subnets;
    }

    public async Task<IDisposable> LockHostAsync(CancellationToken cancellationToken = default) =>
        await FileLock.AcquireAsync(HostLockPath, exclusive: true, cancellationToken).ConfigureAwait(false);

    /// <remarks>
    /// A bridge this call created is deleted again when a later step fails: nothing records it yet, and a labelled
    /// bridge of a live root is never reclaimed. One that existed (recovery after a restart without a reboot) stays.
    /// </remarks>
    public Task CreateNetworkAsync(NetworkDetails network, CancellationToken cancellationToken = default)
    {
        var subnet = Ipv4Subnet.Parse(network.Subnet);
        var gateway = Ipv4Subnet.ParseAddress(network.Gateway);
        var owner = _owner.Text; // the root's ID exists before the bridge does
        var name = network.BridgeName;
        return _links.InHostAsync(links =>
        {
            var created = Check(links.CreateBridge(name), $"creating bridge {name}", Errno.EEXIST) == 0;
            try
            {
                var index = IndexOf(links, name, $"creating bridge {name}");
                Check(links.SetAlias(index, owner), $"labelling bridge {name} with its root");
                Check(links.AddAddress(index, gateway, subnet.PrefixLength, subnet.Broadcast), $"giving bridge {name} the address {network.Gateway}", Errno.EEXIST);
                Check(links.SetUp(index), $"bringing bridge {name} up");

                // Routing from the host's loopback into the bridge (published ports on 127.0.0.1), and forwarding for NAT.
                SetSysctl($"net/ipv4/conf/{name}/route_localnet", "1");
                SetSysctl("net/ipv4/ip_forward", "1");
            }
            catch when (created)
            {
                links.DeleteLink(name);
                throw;
            }
        });
    }

    public Task RemoveNetworkAsync(NetworkDetails network, CancellationToken cancellationToken = default) =>
        _links.InHostAsync(links => DeleteLink(links, network.BridgeName));

    /// <remarks>
    /// When a step fails after the veth pair exists, the pair is deleted before the error is thrown, so a failed attach
    /// leaves no interface behind, on the host or in the container.
    /// </remarks>
    public async Task AttachAsync(NetworkDetails network, NetworkEndpoint endpoint, int pid, bool defaultRoute, CancellationToken cancellationToken = default)
    {
        var hostName = endpoint.HostInterface ?? throw new ArgumentException("The endpoint has no host interface name.", nameof(endpoint));
        var peerName = endpoint.Interface ?? throw new ArgumentException("The endpoint has no interface name.", nameof(endpoint));
        var address = Ipv4Subnet.ParseAddress(endpoint.Address ?? throw new ArgumentException("The endpoint has no address.", nameof(endpoint)));
        var subnet = Ipv4Subnet.Parse(network.Subnet);
        var gateway = Ipv4Subnet.ParseAddress(network.Gateway);
        var owner = _owner.Text;
        var created = false;
        try
        {
            await _links.InHostAsync(links =>
            {
                // The peer is created directly in the container's namespace, so it never appears on the host.
                var errno = links.CreateVethPair(hostName, peerName, pid);
                if (errno == Errno.EEXIST)
                {
                    // The same container's last run: its namespace is still being torn down, and its pair with it.
                    DeleteLink(links, hostName);
                    errno = links.CreateVethPair(hostName, peerName, pid);
                }

                Check(errno, $"creating the veth pair {hostName}/{peerName}");
                created = true;
                var index = IndexOf(links, hostName, "finding the host end of the veth pair");
                var bridge = IndexOf(links, network.BridgeName, $"finding bridge {network.BridgeName} (run engine recovery if the host rebooted)");
                Check(links.AddToBridge(index, bridge, owner), $"attaching {hostName} to bridge {network.BridgeName}");
            }).ConfigureAwait(false);

            await _links.InNamespaceAsync(pid, links =>
            {
                var index = IndexOf(links, peerName, "finding the container's interface");
                Check(links.AddAddress(index, address, subnet.PrefixLength, subnet.Broadcast), $"giving {peerName} the address {endpoint.Address}");
                Check(links.SetUp(index), $"bringing {peerName} up");
                if (defaultRoute)
                {
                    Check(links.AddDefaultRoute(gateway, index), $"adding the default route via {network.Gateway}");
                }
            }).ConfigureAwait(false);
        }
        catch when (created)
        {
            await RollBackAsync(hostName).ConfigureAwait(false);
            throw;
        }
    }

    /// <remarks>
    /// Deleting a veth makes the caller wait for the kernel to unregister it (10-20 ms here). When the container has
    /// exited its namespace is already being torn down, which removes the pair just the same, so that wait is skipped;
    /// <see cref="AttachAsync"/> clears a pair of the same name that is still going away.
    /// </remarks>
    public Task DetachAsync(NetworkEndpoint endpoint, bool containerExited, CancellationToken cancellationToken = default) =>
        endpoint.HostInterface is { } name && !containerExited ? _links.InHostAsync(links => DeleteLink(links, name)) : Task.CompletedTask;

    public Task SyncRulesAsync(IReadOnlyList<NetworkDetails> networks, CancellationToken cancellationToken = default)
    {
        _firewall.Replace(FirewallRules.Build(TableName, networks).WithComment(_owner.Text), delete: networks.Count == 0);
        return Task.CompletedTask;
    }

    public bool IsHostPortFree(string hostIp, int port, string protocol)
    {
        using var socket = protocol == "udp"
            ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Parse(hostIp), port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose() => (_firewall as IDisposable)?.Dispose();

    /// <summary>Throws for an errno other than 0 and <paramref name="ignored"/>; returns it otherwise.</summary>
    private static int Check(int errno, string step, int ignored = 0) =>
        errno == 0 || errno == ignored ? errno : throw new NetworkSetupException(step, Errno.Describe(errno));

    private static int IndexOf(IRtnetlink links, string name, string step)
    {
        var index = links.IndexOf(name);
        return index != 0 ? index : throw new NetworkSetupException(step, $"no interface named {name}");
    }

    // ENODEV: already gone, as a veth is when its container's namespace dies.
    private static void DeleteLink(IRtnetlink links, string name) => Check(links.DeleteLink(name), $"deleting interface {name}", Errno.ENODEV);

    /// <summary>Deletes a half-attached veth pair; the step that failed is the error to report, so a failing delete is not.</summary>
    private async Task RollBackAsync(string hostName)
    {
        try
        {
            await _links.InHostAsync(links => links.DeleteLink(hostName)).ConfigureAwait(false);
        }
        catch (NetworkSetupException)
        {
            // The endpoint stays recorded, and releasing it deletes the pair again.
        }
    }

    private void SetSysctl(string name, string value) =>
        Check(_links.SetSysctl(name, value), $"setting /proc/sys/{name} to {value}");
}
