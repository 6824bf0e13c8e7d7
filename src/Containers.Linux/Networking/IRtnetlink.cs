namespace Containers.Linux.Networking;

/// <summary>
/// The rtnetlink(7) requests the engine makes, on one socket that acts on the network namespace it was opened in. Each
/// returns 0 when the kernel acknowledged the request, else the errno it answered; which errno is fine is the caller's
/// decision.
/// </summary>
internal interface IRtnetlink
{
    /// <summary>RTM_NEWLINK of kind <c>bridge</c>, exclusive: EEXIST when a link of that name exists.</summary>
    int CreateBridge(string name);

    /// <summary>
    /// RTM_NEWLINK of kind <c>veth</c>, exclusive: <paramref name="name"/> here and <paramref name="peerName"/> created
    /// straight in the network namespace of process <paramref name="peerPid"/> (IFLA_NET_NS_PID), so it never appears here.
    /// </summary>
    int CreateVethPair(string name, string peerName, int peerPid);

    /// <summary>RTM_DELLINK by name: ENODEV when there is none. Deleting either end of a veth pair deletes both.</summary>
    int DeleteLink(string name);

    /// <summary>RTM_DELLINK by index, which a later link of the same name cannot have: ENODEV when there is none.</summary>
    int DeleteLink(int index);

    /// <summary>if_nametoindex(3) in this socket's namespace: the link's index, or 0 when there is none.</summary>
    int IndexOf(string name);

    /// <summary>RTM_NEWLINK setting the alias (IFLA_IFALIAS), where the engine's owner labels live.</summary>
    int SetAlias(int index, string alias);

    /// <summary>RTM_NEWLINK setting IFF_UP.</summary>
    int SetUp(int index);

    /// <summary>RTM_NEWLINK setting the master (IFLA_MASTER), IFF_UP and the alias in one request: a labelled port of a bridge.</summary>
    int AddToBridge(int index, int bridgeIndex, string alias);

    /// <summary>RTM_NEWADDR, exclusive: an IPv4 address with its prefix and broadcast; EEXIST when the link has it.</summary>
    int AddAddress(int index, uint address, int prefixLength, uint broadcast);

    /// <summary>RTM_NEWROUTE, exclusive: the default route of the main table via <paramref name="gateway"/> out of link <paramref name="index"/>.</summary>
    int AddDefaultRoute(uint gateway, int index);
}
