using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Containers.Networks;

/// <summary>An IPv4 network in CIDR notation (<c>172.30.0.0/24</c>), with address arithmetic for IP address management.</summary>
public readonly record struct Ipv4Subnet
{
    private Ipv4Subnet(uint network, int prefixLength)
    {
        Network = network;
        PrefixLength = prefixLength;
    }

    /// <summary>Gets the network address as a host-order integer.</summary>
    public uint Network { get; }

    /// <summary>Gets the prefix length (8 to 30).</summary>
    public int PrefixLength { get; }

    /// <summary>Gets the netmask as a host-order integer.</summary>
    public uint Mask => PrefixLength == 0 ? 0 : uint.MaxValue << (32 - PrefixLength);

    /// <summary>Gets the number of addresses in the subnet, network and broadcast included.</summary>
    public long Size => 1L << (32 - PrefixLength);

    /// <summary>Parses <c>a.b.c.d/n</c>; host bits must be zero, as Docker requires.</summary>
    /// <exception cref="InvalidSubnetException">The text is not an IPv4 CIDR, or its prefix is outside 8..30.</exception>
    public static Ipv4Subnet Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            throw new InvalidSubnetException(text, "expected an IPv4 network in CIDR notation such as 172.30.0.0/24");
        }

        if (prefix is < 8 or > 30)
        {
            throw new InvalidSubnetException(text, "the prefix length must be between 8 and 30");
        }

        var address = ParseAddress(text[..slash]);
        var subnet = new Ipv4Subnet(address, prefix);
        if ((address & ~subnet.Mask) != 0)
        {
            throw new InvalidSubnetException(text, $"host bits are set; did you mean {subnet.Format(address & subnet.Mask)}/{prefix}?");
        }

        return subnet;
    }

    /// <summary>Creates a subnet from a network address and prefix length.</summary>
    public static Ipv4Subnet Create(uint network, int prefixLength) => new(network & (prefixLength == 0 ? 0 : uint.MaxValue << (32 - prefixLength)), prefixLength);

    /// <summary>Parses a dotted IPv4 address into a host-order integer.</summary>
    /// <exception cref="InvalidSubnetException">The text is not an IPv4 address.</exception>
    public static uint ParseAddress(string text)
    {
        if (!IPAddress.TryParse(text, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork || text.Count(c => c == '.') != 3)
        {
            throw new InvalidSubnetException(text, "not an IPv4 address");
        }

        return BinaryPrimitives.ReadUInt32BigEndian(ip.GetAddressBytes());
    }

    /// <summary>Formats a host-order address as dotted text.</summary>
    public string Format(uint address) => FormatAddress(address);

    /// <summary>Formats a host-order address as dotted text.</summary>
    public static string FormatAddress(uint address) =>
        string.Create(CultureInfo.InvariantCulture, $"{address >> 24}.{(address >> 16) & 0xFF}.{(address >> 8) & 0xFF}.{address & 0xFF}");

    /// <summary>Tells whether the address lies in the subnet.</summary>
    public bool Contains(uint address) => (address & Mask) == Network;

    /// <summary>Tells whether two subnets share an address.</summary>
    public bool Overlaps(Ipv4Subnet other) => Contains(other.Network) || other.Contains(Network);

    /// <summary>Gets the first usable host address, which networks use as their gateway by default.</summary>
    public uint FirstHost => Network + 1;

    /// <summary>Gets the broadcast address.</summary>
    public uint Broadcast => Network | ~Mask;

    /// <inheritdoc/>
    public override string ToString() => FormatAddress(Network) + "/" + PrefixLength.ToString(CultureInfo.InvariantCulture);
}
