using Containers.Linux.Networking.Nft;
using Containers.Networks;
using static Containers.Linux.Networking.Nft.NftConstants;

namespace Containers.Linux.Networking;

/// <summary>
/// One root's whole firewall as a single nftables table: outbound masquerade, isolation between networks, and DNAT for
/// published ports (from outside, and from the host itself, loopback included).
/// </summary>
/// <remarks>
/// The table is regenerated from the network files on every change and replaced in one transaction, so removal and
/// crash recovery are the same operation as any change.
/// </remarks>
internal static class FirewallRules
{
    /// <summary>Interfaces of every engine bridge, of this root or any other, start with this prefix.</summary>
    public const string BridgePrefix = "dc*";

    public static NftTable Build(string tableName, IReadOnlyList<NetworkDetails> networks)
    {
        var table = new NftTable(tableName)
            .Add(new NftChain("ports"))
            .Add(new NftChain("prerouting", "nat", NF_INET_PRE_ROUTING, -100))
            .Add(new NftChain("output", "nat", NF_INET_LOCAL_OUT, -100))
            .Add(new NftChain("postrouting", "nat", NF_INET_POST_ROUTING, 100))
            .Add(new NftChain("forward", "filter", NF_INET_FORWARD, 0));
        foreach (var network in networks.Where(n => !n.Internal))
        {
            foreach (var endpoint in network.Endpoints.Where(e => e.Address is not null))
            {
                foreach (var port in endpoint.Ports)
                {
                    var rule = new NftRule("ports");
                    rule = port.HostIp == "0.0.0.0" ? rule.DestinationIsLocal() : rule.Destination(Ipv4Subnet.ParseAddress(port.HostIp));
                    table.Add(rule.DestinationPort(port.Protocol, port.HostPort).Dnat(Ipv4Subnet.ParseAddress(endpoint.Address!), port.ContainerPort));
                }
            }
        }

        table.Add(new NftRule("prerouting").Jump("ports")).Add(new NftRule("output").Jump("ports"));
        foreach (var network in networks)
        {
            // Connections from the host's loopback to a published port leave with a loopback source the container cannot answer.
            table.Add(new NftRule("postrouting").OutputInterface(network.BridgeName).Source(Ipv4Subnet.Parse("127.0.0.0/8")).Masquerade());
            if (!network.Internal)
            {
                table.Add(new NftRule("postrouting").Source(Ipv4Subnet.Parse(network.Subnet)).OutputInterface(network.BridgeName, equal: false).Masquerade());

                // Hairpin: a container reaching a published port through the host comes back into its own bridge. Without
                // a host source the server would answer it directly, from an address it never spoke to.
                table.Add(new NftRule("postrouting").Source(Ipv4Subnet.Parse(network.Subnet)).OutputInterface(network.BridgeName).DestinationTranslated().Masquerade());
            }
        }

        foreach (var network in networks)
        {
            // Networks isolate: nothing is routed from one engine bridge to another, of this root or any other.
            table.Add(new NftRule("forward").InputInterface(network.BridgeName).OutputInterface(BridgePrefix).OutputInterface(network.BridgeName, equal: false).Drop());
            if (network.Internal)
            {
                table.Add(new NftRule("forward").InputInterface(network.BridgeName).OutputInterface(network.BridgeName, equal: false).Drop());
                table.Add(new NftRule("forward").OutputInterface(network.BridgeName).InputInterface(network.BridgeName, equal: false).Drop());
            }
        }

        return table;
    }
}
