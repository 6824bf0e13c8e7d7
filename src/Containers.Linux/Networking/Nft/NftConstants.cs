namespace Containers.Linux.Networking.Nft;

/// <summary>The nf_tables netlink vocabulary this engine speaks (<c>linux/netfilter/nf_tables.h</c>, <c>nfnetlink.h</c>).</summary>
internal static class NftConstants
{
    public const byte NFPROTO_UNSPEC = 0, NFPROTO_IPV4 = 2;
    public const ushort NFNL_SUBSYS_NFTABLES = 10;
    public const ushort NFNL_MSG_BATCH_BEGIN = 0x10, NFNL_MSG_BATCH_END = 0x11;
    public const ushort NFT_MSG_NEWTABLE = 0, NFT_MSG_DELTABLE = 2, NFT_MSG_NEWCHAIN = 3, NFT_MSG_NEWRULE = 6;
    public const ushort NLM_F_APPEND = 0x800;

    public const ushort NFTA_TABLE_NAME = 1, NFTA_TABLE_HANDLE = 4, NFTA_TABLE_USERDATA = 6;
    public const ushort NFT_MSG_GETTABLE = 1;
    public const byte NFTNL_UDATA_TABLE_COMMENT = 0;
    public const ushort NFTA_CHAIN_TABLE = 1, NFTA_CHAIN_NAME = 3, NFTA_CHAIN_HOOK = 4, NFTA_CHAIN_POLICY = 5, NFTA_CHAIN_TYPE = 7;
    public const ushort NFTA_HOOK_HOOKNUM = 1, NFTA_HOOK_PRIORITY = 2;
    public const ushort NFTA_RULE_TABLE = 1, NFTA_RULE_CHAIN = 2, NFTA_RULE_EXPRESSIONS = 4;
    public const ushort NFTA_LIST_ELEM = 1, NFTA_EXPR_NAME = 1, NFTA_EXPR_DATA = 2;

    public const ushort NFTA_META_DREG = 1, NFTA_META_KEY = 2;
    public const uint NFT_META_IIFNAME = 6, NFT_META_OIFNAME = 7, NFT_META_L4PROTO = 16;
    public const ushort NFTA_CMP_SREG = 1, NFTA_CMP_OP = 2, NFTA_CMP_DATA = 3;
    public const uint NFT_CMP_EQ = 0, NFT_CMP_NEQ = 1;
    public const ushort NFTA_PAYLOAD_DREG = 1, NFTA_PAYLOAD_BASE = 2, NFTA_PAYLOAD_OFFSET = 3, NFTA_PAYLOAD_LEN = 4;
    public const uint NFT_PAYLOAD_NETWORK_HEADER = 1, NFT_PAYLOAD_TRANSPORT_HEADER = 2;
    public const ushort NFTA_BITWISE_SREG = 1, NFTA_BITWISE_DREG = 2, NFTA_BITWISE_LEN = 3, NFTA_BITWISE_MASK = 4, NFTA_BITWISE_XOR = 5;
    public const ushort NFTA_IMMEDIATE_DREG = 1, NFTA_IMMEDIATE_DATA = 2;
    public const ushort NFTA_DATA_VALUE = 1, NFTA_DATA_VERDICT = 2, NFTA_VERDICT_CODE = 1, NFTA_VERDICT_CHAIN = 2;
    public const ushort NFTA_NAT_TYPE = 1, NFTA_NAT_FAMILY = 2, NFTA_NAT_REG_ADDR_MIN = 3, NFTA_NAT_REG_PROTO_MIN = 5, NFTA_NAT_FLAGS = 7;
    public const uint NFT_NAT_DNAT = 1, NF_NAT_RANGE_PROTO_SPECIFIED = 2;
    public const ushort NFTA_CT_DREG = 1, NFTA_CT_KEY = 2;
    public const uint NFT_CT_STATUS = 2, IPS_DST_NAT = 0x20;
    public const ushort NFTA_FIB_DREG = 1, NFTA_FIB_RESULT = 2, NFTA_FIB_FLAGS = 3;
    public const uint NFT_FIB_RESULT_ADDRTYPE = 3, NFTA_FIB_F_DADDR = 2, RTN_LOCAL = 2;

    /// <summary>The verdict register, and the first two 128-bit data registers.</summary>
    public const uint NFT_REG_VERDICT = 0, NFT_REG_1 = 1, NFT_REG_2 = 2;

    public const uint NF_DROP = 0, NF_ACCEPT = 1;
    public const int NFT_JUMP = -3;

    /// <summary>Netfilter's IPv4 hook numbers.</summary>
    public const uint NF_INET_PRE_ROUTING = 0, NF_INET_FORWARD = 2, NF_INET_LOCAL_OUT = 3, NF_INET_POST_ROUTING = 4;

    /// <summary>The interface-name width the kernel compares (<c>IFNAMSIZ</c>).</summary>
    public const int IFNAMSIZ = 16;
}
