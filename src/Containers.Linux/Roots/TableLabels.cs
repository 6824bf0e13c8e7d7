using System.Buffers.Binary;
using System.Text;
using Containers.Linux.Interop;
using Containers.Linux.Networking;
using Containers.Linux.Networking.Nft;
using static Containers.Linux.Networking.Nft.NftConstants;

namespace Containers.Linux.Roots;

/// <summary>Owner labels on nftables tables: the comment each root's table is created with, read back by a dump.</summary>
internal static class TableLabels
{
    /// <summary>Lists the host's <c>ip</c> tables whose comment is an owner label: name, handle and label.</summary>
    public static List<(string Name, ulong Handle, OwnerLabel Owner)> List()
    {
        var tables = new List<(string, ulong, OwnerLabel)>();
        var netlink = Netlink.Open(Netlink.NETLINK_NETFILTER);
        try
        {
            var request = new NetlinkMessage((ushort)((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE), (ushort)(Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP)).NfGen(NFPROTO_IPV4);
            foreach (var body in netlink.Dump(request, "listing nftables tables"))
            {
                var attributes = Netlink.Attributes(body, 4);
                if (attributes.TryGetValue(NFTA_TABLE_NAME, out var name)
                    && attributes.TryGetValue(NFTA_TABLE_HANDLE, out var handle) && handle.Length == 8
                    && attributes.TryGetValue(NFTA_TABLE_USERDATA, out var userData)
                    && OwnerLabel.Parse(NftTable.ParseComment(userData)) is { } owner)
                {
                    tables.Add((Encoding.UTF8.GetString(name).TrimEnd('\0'), BinaryPrimitives.ReadUInt64BigEndian(handle), owner));
                }
            }
        }
        finally
        {
            // Closing an nfnetlink socket waits for a kernel grace period (see Nftables); nobody needs to wait for it.
            _ = Task.Run(netlink.Dispose);
        }

        return tables;
    }

    /// <summary>
    /// Deletes a table by its handle, not its name: a root made again at the same path has a table of the same name,
    /// and replacing it gave it a new handle, so a stale listing never deletes the live root's table.
    /// </summary>
    public static void Delete(string name, ulong handle)
    {
        Span<byte> value = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(value, handle);
        var delete = new NetlinkMessage((ushort)((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_DELTABLE), Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK)
            .NfGen(NFPROTO_IPV4)
            .Attribute(NFTA_TABLE_HANDLE, value);
        using var netlink = Netlink.Open(Netlink.NETLINK_NETFILTER);
        var answers = netlink.TrySendAll(
        [
            new NetlinkMessage(NFNL_MSG_BATCH_BEGIN, Netlink.NLM_F_REQUEST).NfGen(NFPROTO_UNSPEC, NFNL_SUBSYS_NFTABLES),
            delete,
            new NetlinkMessage(NFNL_MSG_BATCH_END, Netlink.NLM_F_REQUEST).NfGen(NFPROTO_UNSPEC, NFNL_SUBSYS_NFTABLES),
        ]);
        if (answers[1] > 0 && answers[1] != Errno.ENOENT)
        {
            throw new NetworkSetupException($"deleting table ip {name}", Errno.Describe(answers[1]));
        }
    }
}
