using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Containers.Networks;
using static Containers.Linux.Networking.Nft.NftConstants;

namespace Containers.Linux.Networking.Nft;

/// <summary>
/// Builds one nftables rule from matches and a final statement, as the kernel's register machine sees it (load into a
/// register, compare, act), and keeps the equivalent <c>nft</c> text for messages and tests.
/// </summary>
/// <remarks>The encodings are those <c>nft</c> itself generates, so <c>nft list</c> shows these rules as written.</remarks>
internal sealed class NftRule
{
    private readonly List<NftExpression> _expressions = [];
    private readonly List<string> _text = [];

    public NftRule(string chain) => Chain = chain;

    /// <summary>Gets the chain the rule is appended to.</summary>
    public string Chain { get; }

    public IReadOnlyList<NftExpression> Expressions => _expressions;

    /// <summary>Matches the input interface; a trailing <c>*</c> matches a name prefix.</summary>
    public NftRule InputInterface(string name, bool equal = true) => Interface(NFT_META_IIFNAME, "iifname", name, equal);

    /// <summary>Matches the output interface; a trailing <c>*</c> matches a name prefix.</summary>
    public NftRule OutputInterface(string name, bool equal = true) => Interface(NFT_META_OIFNAME, "oifname", name, equal);

    /// <summary>Matches an IPv4 source address in a subnet.</summary>
    public NftRule Source(Ipv4Subnet subnet) => Address(12, "saddr", subnet);

    /// <summary>Matches one IPv4 destination address.</summary>
    public NftRule Destination(uint address) => Address(16, "daddr", Ipv4Subnet.Create(address, 32));

    /// <summary>Matches packets addressed to any of the host's own addresses (<c>fib daddr type local</c>).</summary>
    public NftRule DestinationIsLocal()
    {
        Add("fib", m => m.BigEndian32(NFTA_FIB_DREG, NFT_REG_1).BigEndian32(NFTA_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE).BigEndian32(NFTA_FIB_FLAGS, NFTA_FIB_F_DADDR));

        // The route type lands in the register in host byte order.
        Compare(true, BitConverter.GetBytes(RTN_LOCAL));
        _text.Add("fib daddr type local");
        return this;
    }

    /// <summary>Matches connections whose destination was translated (<c>ct status dnat</c>): published-port traffic.</summary>
    public NftRule DestinationTranslated()
    {
        // The status word lands in host byte order; its IPS_DST_NAT bit is tested, as nft does.
        Add("ct", m => m.BigEndian32(NFTA_CT_DREG, NFT_REG_1).BigEndian32(NFTA_CT_KEY, NFT_CT_STATUS));
        Mask(BitConverter.GetBytes(IPS_DST_NAT));
        Compare(false, new byte[4]);
        _text.Add("ct status dnat");
        return this;
    }

    /// <summary>Matches a TCP or UDP destination port.</summary>
    public NftRule DestinationPort(string protocol, int port)
    {
        byte number = protocol switch
        {
            "tcp" => 6,
            "udp" => 17,
            _ => throw new ArgumentException($"unsupported protocol '{protocol}'", nameof(protocol)),
        };
        Add("meta", m => m.BigEndian32(NFTA_META_DREG, NFT_REG_1).BigEndian32(NFTA_META_KEY, NFT_META_L4PROTO));
        Compare(true, [number]);
        Payload(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
        Compare(true, Port(port));
        _text.Add(string.Create(CultureInfo.InvariantCulture, $"{protocol} dport {port}"));
        return this;
    }

    /// <summary>Rewrites the destination to a container's address and port.</summary>
    public NftRule Dnat(uint address, int port)
    {
        Immediate(NFT_REG_1, m => m.Address(NFTA_DATA_VALUE, address));
        Immediate(NFT_REG_2, m => m.Attribute(NFTA_DATA_VALUE, Port(port)));
        Add("nat", m => m
            .BigEndian32(NFTA_NAT_TYPE, NFT_NAT_DNAT)
            .BigEndian32(NFTA_NAT_FAMILY, NFPROTO_IPV4)
            .BigEndian32(NFTA_NAT_REG_ADDR_MIN, NFT_REG_1)
            .BigEndian32(NFTA_NAT_REG_PROTO_MIN, NFT_REG_2)
            .BigEndian32(NFTA_NAT_FLAGS, NF_NAT_RANGE_PROTO_SPECIFIED));
        _text.Add(string.Create(CultureInfo.InvariantCulture, $"dnat to {Ipv4Subnet.FormatAddress(address)}:{port}"));
        return this;
    }

    /// <summary>Rewrites the source to the outgoing interface's address.</summary>
    public NftRule Masquerade()
    {
        Add("masq", _ => { });
        _text.Add("masquerade");
        return this;
    }

    public NftRule Drop() => Verdict(NF_DROP, null, "drop");

    /// <summary>Continues in another chain of the same table.</summary>
    public NftRule Jump(string chain) => Verdict(unchecked((uint)NFT_JUMP), chain, "jump " + chain);

    /// <summary>Returns the rule as <c>nft list</c> prints it.</summary>
    public override string ToString() => string.Join(' ', _text);

    private NftRule Interface(uint key, string keyword, string name, bool equal)
    {
        // A whole name is compared NUL-padded to IFNAMSIZ; a wildcard compares only the prefix's bytes.
        var prefix = name.EndsWith('*');
        var bytes = Encoding.ASCII.GetBytes(prefix ? name[..^1] : name);
        if (bytes.Length >= IFNAMSIZ || (prefix && bytes.Length == 0))
        {
            throw new ArgumentException($"'{name}' is not a usable interface name", nameof(name));
        }

        var data = prefix ? bytes : [.. bytes, .. new byte[IFNAMSIZ - bytes.Length]];
        Add("meta", m => m.BigEndian32(NFTA_META_DREG, NFT_REG_1).BigEndian32(NFTA_META_KEY, key));
        Compare(equal, data);
        _text.Add($"{keyword} {(equal ? string.Empty : "!= ")}\"{name}\"");
        return this;
    }

    private NftRule Address(uint offset, string keyword, Ipv4Subnet subnet)
    {
        // Whole bytes of a prefix are loaded and compared directly; a partial byte needs a mask first.
        var network = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(network, subnet.Network);
        if (subnet.PrefixLength % 8 == 0 && subnet.PrefixLength > 0)
        {
            var length = subnet.PrefixLength / 8;
            Payload(NFT_PAYLOAD_NETWORK_HEADER, offset, (uint)length);
            Compare(true, network[..length]);
        }
        else
        {
            var mask = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(mask, subnet.Mask);
            Payload(NFT_PAYLOAD_NETWORK_HEADER, offset, 4);
            Mask(mask);
            Compare(true, network);
        }

        _text.Add($"ip {keyword} {(subnet.PrefixLength == 32 ? Ipv4Subnet.FormatAddress(subnet.Network) : subnet.ToString())}");
        return this;
    }

    private void Payload(uint header, uint offset, uint length) =>
        Add("payload", m => m
            .BigEndian32(NFTA_PAYLOAD_DREG, NFT_REG_1)
            .BigEndian32(NFTA_PAYLOAD_BASE, header)
            .BigEndian32(NFTA_PAYLOAD_OFFSET, offset)
            .BigEndian32(NFTA_PAYLOAD_LEN, length));

    private void Mask(byte[] mask) =>
        Add("bitwise", m =>
        {
            m.BigEndian32(NFTA_BITWISE_SREG, NFT_REG_1).BigEndian32(NFTA_BITWISE_DREG, NFT_REG_1).BigEndian32(NFTA_BITWISE_LEN, (uint)mask.Length);
            m.BeginNest(NFTA_BITWISE_MASK, flagged: true).Attribute(NFTA_DATA_VALUE, mask).EndNest();
            m.BeginNest(NFTA_BITWISE_XOR, flagged: true).Attribute(NFTA_DATA_VALUE, new byte[mask.Length]).EndNest();
        });

    private void Compare(bool equal, byte[] data) =>
        Add("cmp", m =>
        {
            m.BigEndian32(NFTA_CMP_SREG, NFT_REG_1).BigEndian32(NFTA_CMP_OP, equal ? NFT_CMP_EQ : NFT_CMP_NEQ);
            m.BeginNest(NFTA_CMP_DATA, flagged: true).Attribute(NFTA_DATA_VALUE, data).EndNest();
        });

    private void Immediate(uint register, Action<NetlinkMessage> data) =>
        Add("immediate", m =>
        {
            m.BigEndian32(NFTA_IMMEDIATE_DREG, register).BeginNest(NFTA_IMMEDIATE_DATA, flagged: true);
            data(m);
            m.EndNest();
        });

    private NftRule Verdict(uint code, string? chain, string text)
    {
        Immediate(NFT_REG_VERDICT, m =>
        {
            m.BeginNest(NFTA_DATA_VERDICT, flagged: true).BigEndian32(NFTA_VERDICT_CODE, code);
            if (chain is not null)
            {
                m.String(NFTA_VERDICT_CHAIN, chain);
            }

            m.EndNest();
        });
        _text.Add(text);
        return this;
    }

    private void Add(string name, Action<NetlinkMessage> data) => _expressions.Add(new NftExpression(name, data));

    private static byte[] Port(int port) => [(byte)(port >> 8), (byte)port];
}
