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
    private static readonly SemaphoreSlim NetlinkGate = new(1, 1);
    private readonly Nftables _nftables = new();
    private readonly Roots.RootOwner _owner;

    public BridgeDriver(StoreLayout layout, Roots.RootOwner? owner = null)
    {
        _owner = owner ?? new Roots.RootOwner(layout);
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

    public async Task CreateNetworkAsync(NetworkDetails network, CancellationToken cancellationToken = default)
    {
        var subnet = Ipv4Subnet.Parse(network.Subnet);
        var gateway = Ipv4Subnet.ParseAddress(network.Gateway);
        var owner = _owner.Text; // the root's ID exists before the bridge does
        await WithNetlinkAsync(netlink =>
        {
            netlink.Send(
                new NetlinkMessage(Netlink.RTM_NEWLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL)
                    .IfInfo()
                    .String(Netlink.IFLA_IFNAME, network.BridgeName)
                    .BeginNest(Netlink.IFLA_LINKINFO).String(Netlink.IFLA_INFO_KIND, "bridge").EndNest(),
                $"creating bridge {network.BridgeName}",
                Errno.EEXIST);
            var index = Netlink.IndexOf(network.BridgeName, $"creating bridge {network.BridgeName}");
            Roots.LinkLabels.Label(netlink, index, owner, $"labelling bridge {network.BridgeName} with its root");
            netlink.Send(
                new NetlinkMessage(Netlink.RTM_NEWADDR, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL)
                    .IfAddr((byte)subnet.PrefixLength, index)
                    .Address(Netlink.IFA_LOCAL, gateway)
                    .Address(Netlink.IFA_ADDRESS, gateway)
                    .Address(Netlink.IFA_BROADCAST, subnet.Broadcast),
                $"giving bridge {network.BridgeName} the address {network.Gateway}",
                Errno.EEXIST);
            SetUp(netlink, index, $"bringing bridge {network.BridgeName} up");
        }).ConfigureAwait(false);

        // Routing from the host's loopback into the bridge (published ports on 127.0.0.1), and forwarding for NAT.
        WriteSysctl($"/proc/sys/net/ipv4/conf/{network.BridgeName}/route_localnet", "1");
        WriteSysctl("/proc/sys/net/ipv4/ip_forward", "1");
    }

    public Task RemoveNetworkAsync(NetworkDetails network, CancellationToken cancellationToken = default) =>
        WithNetlinkAsync(netlink => DeleteLink(netlink, network.BridgeName));

    public async Task AttachAsync(NetworkDetails network, NetworkEndpoint endpoint, int pid, bool defaultRoute, CancellationToken cancellationToken = default)
    {
        var hostName = endpoint.HostInterface ?? throw new ArgumentException("The endpoint has no host interface name.", nameof(endpoint));
        var peerName = endpoint.Interface ?? throw new ArgumentException("The endpoint has no interface name.", nameof(endpoint));
        var address = Ipv4Subnet.ParseAddress(endpoint.Address ?? throw new ArgumentException("The endpoint has no address.", nameof(endpoint)));
        var subnet = Ipv4Subnet.Parse(network.Subnet);
        var gateway = Ipv4Subnet.ParseAddress(network.Gateway);
        var owner = _owner.Text;
        await WithNetlinkAsync(netlink =>
        {
            // The peer is created directly in the container's namespace, so it never appears on the host.
            var veth = new NetlinkMessage(Netlink.RTM_NEWLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL)
                .IfInfo()
                .String(Netlink.IFLA_IFNAME, hostName)
                .BeginNest(Netlink.IFLA_LINKINFO)
                    .String(Netlink.IFLA_INFO_KIND, "veth")
                    .BeginNest(Netlink.IFLA_INFO_DATA)
                        .BeginNest(Netlink.VETH_INFO_PEER)
                            .Raw(new byte[16])
                            .String(Netlink.IFLA_IFNAME, peerName)
                            .UInt32(Netlink.IFLA_NET_NS_PID, (uint)pid)
                        .EndNest()
                    .EndNest()
                .EndNest();
            var errno = netlink.TrySend(veth);
            if (errno == Errno.EEXIST)
            {
                // The same container's last run: its namespace is still being torn down, and its pair with it.
                DeleteLink(netlink, hostName);
                errno = netlink.TrySend(veth);
            }

            if (errno != 0)
            {
                throw new NetworkSetupException($"creating the veth pair {hostName}/{peerName}", Errno.Describe(errno));
            }
            var index = Netlink.IndexOf(hostName, "finding the host end of the veth pair");
            var bridge = Netlink.IndexOf(network.BridgeName, $"finding bridge {network.BridgeName} (run engine recovery if the host rebooted)");
            netlink.Send(
                new NetlinkMessage(Netlink.RTM_NEWLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK)
                    .IfInfo(index, Netlink.IFF_UP, Netlink.IFF_UP)
                    .UInt32(Netlink.IFLA_MASTER, (uint)bridge)
                    .Attribute(Roots.LinkLabels.IFLA_IFALIAS, Roots.LinkLabels.Encode(owner)),
                $"attaching {hostName} to bridge {network.BridgeName}");
        }).ConfigureAwait(false);

        try
        {
            await NetworkNamespace.RunAsync(pid, () =>
            {
                using var netlink = Netlink.Open();
                var index = Netlink.IndexOf(peerName, "finding the container's interface");
                netlink.Send(
                    new NetlinkMessage(Netlink.RTM_NEWADDR, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL)
                        .IfAddr((byte)subnet.PrefixLength, index)
                        .Address(Netlink.IFA_LOCAL, address)
                        .Address(Netlink.IFA_ADDRESS, address)
                        .Address(Netlink.IFA_BROADCAST, subnet.Broadcast),
                    $"giving {peerName} the address {endpoint.Address}");
                SetUp(netlink, index, $"bringing {peerName} up");
                if (defaultRoute)
                {
                    netlink.Send(
                        new NetlinkMessage(Netlink.RTM_NEWROUTE, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL)
                            .RtMsg(0)
                            .Address(Netlink.RTA_GATEWAY, gateway)
                            .UInt32(Netlink.RTA_OIF, (uint)index),
                        $"adding the default route via {network.Gateway}");
                }
            }).ConfigureAwait(false);
        }
        catch
        {
            await DetachAsync(endpoint, containerExited: false, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <remarks>
    /// Deleting a veth makes the caller wait for the kernel to unregister it (10-20 ms here). When the container has
    /// exited its namespace is already being torn down, which removes the pair just the same, so that wait is skipped;
    /// <see cref="AttachAsync"/> clears a pair of the same name that is still going away.
    /// </remarks>
    public Task DetachAsync(NetworkEndpoint endpoint, bool containerExited, CancellationToken cancellationToken = default) =>
        endpoint.HostInterface is { } name && !containerExited ? WithNetlinkAsync(netlink => DeleteLink(netlink, name)) : Task.CompletedTask;

    public Task SyncRulesAsync(IReadOnlyList<NetworkDetails> networks, CancellationToken cancellationToken = default)
    {
        _nftables.Replace(FirewallRules.Build(TableName, networks).WithComment(_owner.Text), delete: networks.Count == 0);
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

    public void Dispose() => _nftables.Dispose();

    private static void SetUp(Netlink netlink, int index, string step) =>
        netlink.Send(new NetlinkMessage(Netlink.RTM_NEWLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK).IfInfo(index, Netlink.IFF_UP, Netlink.IFF_UP), step);

    private static void DeleteLink(Netlink netlink, string name)
    {
        // ENODEV: already gone, as a veth is when its container's namespace dies.
        netlink.Send(
            new NetlinkMessage(Netlink.RTM_DELLINK, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK).IfInfo().String(Netlink.IFLA_IFNAME, name),
            $"deleting interface {name}",
            19);
    }

    private static async Task WithNetlinkAsync(Action<Netlink> action)
    {
        // One host-namespace socket at a time; the requests are quick and synchronous.
        await NetlinkGate.WaitAsync().ConfigureAwait(false);
        try
        {
            using var netlink = Netlink.Open();
            action(netlink);
        }
        finally
        {
            NetlinkGate.Release();
        }
    }

    private static void WriteSysctl(string path, string value)
    {
        try
        {
            if (File.ReadAllText(path).Trim() != value)
            {
                File.WriteAllText(path, value);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NetworkSetupException($"setting {path} to {value}", e.Message);
        }
    }
}
