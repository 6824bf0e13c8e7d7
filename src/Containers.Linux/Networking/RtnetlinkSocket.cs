using Containers.Linux.Interop;

namespace Containers.Linux.Networking;

/// <summary>The <see cref="IRtnetlink"/> requests as messages on one <see cref="Netlink"/> socket.</summary>
internal sealed class RtnetlinkSocket(Netlink netlink) : IRtnetlink
{
    /// <summary>The rtnetlink attribute of an interface's alias.</summary>
    public const ushort IFLA_IFALIAS = 20;

    private const ushort Exclusive = Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL;
    private const ushort Change = Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK;

    public int CreateBridge(string name) => netlink.TrySend(
        new NetlinkMessage(Netlink.RTM_NEWLINK, Exclusive)
            .IfInfo()
            .String(Netlink.IFLA_IFNAME, name)
            .BeginNest(Netlink.IFLA_LINKINFO).String(Netlink.IFLA_INFO_KIND, "bridge").EndNest());

    public int CreateVethPair(string name, string peerName, int peerPid) => netlink.TrySend(
        new NetlinkMessage(Netlink.RTM_NEWLINK, Exclusive)
            .IfInfo()
            .String(Netlink.IFLA_IFNAME, name)
            .BeginNest(Netlink.IFLA_LINKINFO)
                .String(Netlink.IFLA_INFO_KIND, "veth")
                .BeginNest(Netlink.IFLA_INFO_DATA)
                    .BeginNest(Netlink.VETH_INFO_PEER)
                        .Raw(new byte[16])
                        .String(Netlink.IFLA_IFNAME, peerName)
                        .UInt32(Netlink.IFLA_NET_NS_PID, (uint)peerPid)
                    .EndNest()
                .EndNest()
            .EndNest());

    public int DeleteLink(string name) =>
        netlink.TrySend(new NetlinkMessage(Netlink.RTM_DELLINK, Change).IfInfo().String(Netlink.IFLA_IFNAME, name));

    public int DeleteLink(int index) => netlink.TrySend(new NetlinkMessage(Netlink.RTM_DELLINK, Change).IfInfo(index));

    public int IndexOf(string name) => (int)Libc.if_nametoindex(name);

    public int SetAlias(int index, string alias) =>
        netlink.TrySend(new NetlinkMessage(Netlink.RTM_NEWLINK, Change).IfInfo(index).Attribute(IFLA_IFALIAS, Encode(alias)));

    public int SetUp(int index) =>
        netlink.TrySend(new NetlinkMessage(Netlink.RTM_NEWLINK, Change).IfInfo(index, Netlink.IFF_UP, Netlink.IFF_UP));

    public int AddToBridge(int index, int bridgeIndex, string alias) => netlink.TrySend(
        new NetlinkMessage(Netlink.RTM_NEWLINK, Change)
            .IfInfo(index, Netlink.IFF_UP, Netlink.IFF_UP)
            .UInt32(Netlink.IFLA_MASTER, (uint)bridgeIndex)
            .Attribute(IFLA_IFALIAS, Encode(alias)));

    public int AddAddress(int index, uint address, int prefixLength, uint broadcast) => netlink.TrySend(
        new NetlinkMessage(Netlink.RTM_NEWADDR, Exclusive)
            .IfAddr((byte)prefixLength, index)
            .Address(Netlink.IFA_LOCAL, address)
            .Address(Netlink.IFA_ADDRESS, address)
            .Address(Netlink.IFA_BROADCAST, broadcast));

    public int AddDefaultRoute(uint gateway, int index) => netlink.TrySend(
        new NetlinkMessage(Netlink.RTM_NEWROUTE, Exclusive)
            .RtMsg(0)
            .Address(Netlink.RTA_GATEWAY, gateway)
            .UInt32(Netlink.RTA_OIF, (uint)index));

    private static byte[] Encode(string alias) => System.Text.Encoding.UTF8.GetBytes(alias + "\0");
}
