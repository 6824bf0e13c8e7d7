using System.Buffers.Binary;
using System.Text;

namespace Containers.Linux.Networking;

/// <summary>
/// Builds one netlink request: the header, a fixed family struct, then 4-byte aligned (and nestable) attributes. Used for
/// rtnetlink (links, addresses, routes) and nfnetlink (nftables).
/// </summary>
internal sealed class NetlinkMessage
{
    public const int HeaderLength = 16;
    private readonly List<byte> _bytes = new(256);
    private readonly Stack<int> _nests = new();

    public NetlinkMessage(ushort type, ushort flags)
    {
        _bytes.AddRange(new byte[HeaderLength]);
        Type = type;
        Flags = flags;
    }

    public ushort Type { get; }

    public ushort Flags { get; }

    /// <summary>Appends an <c>ifinfomsg</c>: family, device type, index, flags and the mask of flags to change.</summary>
    public NetlinkMessage IfInfo(int index = 0, uint flags = 0, uint change = 0)
    {
        Span<byte> s = stackalloc byte[16];
        s.Clear();
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], index);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(s[12..], change);
        _bytes.AddRange(s.ToArray());
        return this;
    }

    /// <summary>Appends an <c>ifaddrmsg</c> for IPv4.</summary>
    public NetlinkMessage IfAddr(byte prefixLength, int index)
    {
        Span<byte> s = stackalloc byte[8];
        s.Clear();
        s[0] = Netlink.AF_INET;
        s[1] = prefixLength;
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], index);
        _bytes.AddRange(s.ToArray());
        return this;
    }

    /// <summary>Appends an <c>rtmsg</c> for an IPv4 unicast route in the main table.</summary>
    public NetlinkMessage RtMsg(byte destinationLength)
    {
        // family, dst_len, src_len, tos, table=main, protocol=boot, scope=universe, type=unicast, flags
        _bytes.AddRange([Netlink.AF_INET, destinationLength, 0, 0, 254, 3, 0, 1, 0, 0, 0, 0]);
        return this;
    }

    /// <summary>Appends an nfnetlink <c>nfgenmsg</c>: the protocol family, version 0 and a big-endian resource id.</summary>
    public NetlinkMessage NfGen(byte family, ushort resourceId = 0)
    {
        _bytes.AddRange([family, 0, (byte)(resourceId >> 8), (byte)resourceId]);
        return this;
    }

    public NetlinkMessage Attribute(ushort type, ReadOnlySpan<byte> value)
    {
        var length = 4 + value.Length;
        Span<byte> header = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)length);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], type);
        _bytes.AddRange(header.ToArray());
        _bytes.AddRange(value.ToArray());
        Align();
        return this;
    }

    public NetlinkMessage String(ushort type, string value) => Attribute(type, Encoding.ASCII.GetBytes(value + "\0"));

    public NetlinkMessage UInt32(ushort type, uint value)
    {
        Span<byte> s = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(s, value);
        return Attribute(type, s);
    }

    /// <summary>Appends a 32-bit value in network order, as nftables' attributes carry integers.</summary>
    public NetlinkMessage BigEndian32(ushort type, uint value)
    {
        Span<byte> s = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(s, value);
        return Attribute(type, s);
    }

    /// <summary>Appends an IPv4 address in network order.</summary>
    public NetlinkMessage Address(ushort type, uint address)
    {
        Span<byte> s = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(s, address);
        return Attribute(type, s);
    }

    /// <summary>Opens a nested attribute; <see cref="EndNest"/> closes it.</summary>
    /// <param name="type">The attribute type.</param>
    /// <param name="flagged">Whether to set <c>NLA_F_NESTED</c>, which nfnetlink's strict parsers expect.</param>
    public NetlinkMessage BeginNest(ushort type, bool flagged = false)
    {
        if (flagged)
        {
            type |= 0x8000;
        }

        _nests.Push(_bytes.Count);
        _bytes.AddRange([0, 0, (byte)type, (byte)(type >> 8)]);
        return this;
    }

    /// <summary>Appends raw bytes inside the current nest (the peer's <c>ifinfomsg</c> of a veth).</summary>
    public NetlinkMessage Raw(ReadOnlySpan<byte> bytes)
    {
        _bytes.AddRange(bytes.ToArray());
        Align();
        return this;
    }

    public NetlinkMessage EndNest()
    {
        var start = _nests.Pop();
        var length = _bytes.Count - start;
        _bytes[start] = (byte)length;
        _bytes[start + 1] = (byte)(length >> 8);
        return this;
    }

    /// <summary>Returns the finished message with its length, type, flags and sequence number filled in.</summary>
    public byte[] ToArray(uint sequence)
    {
        var bytes = _bytes.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)bytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), Type);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), sequence);
        return bytes;
    }

    private void Align()
    {
        while (_bytes.Count % 4 != 0)
        {
            _bytes.Add(0);
        }
    }
}
