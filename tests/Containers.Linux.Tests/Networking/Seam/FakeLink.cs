using Containers.Networks;

namespace Containers.Linux.Tests.Networking.Seam;

/// <summary>One interface of a <see cref="FakeNetworkKernel"/>: its kind, namespace, state, addresses and, for a veth, its peer.</summary>
internal sealed class FakeLink
{
    public required string Name { get; init; }

    public required int Index { get; init; }

    /// <summary>Gets the kind: <c>bridge</c>, <c>veth</c> or <c>loopback</c>.</summary>
    public required string Kind { get; init; }

    public required FakeNamespace Namespace { get; init; }

    public string Alias { get; set; } = string.Empty;

    public bool Up { get; set; }

    /// <summary>Gets or sets the index of the bridge this link is a port of, 0 for none.</summary>
    public int Master { get; set; }

    public FakeLink? Peer { get; set; }

    /// <summary>Gets the addresses as <c>a.b.c.d/prefix</c>, in the order they were added.</summary>
    public List<string> Addresses { get; } = [];

    /// <summary>Tells whether an address of the link has <paramref name="address"/> in its subnet.</summary>
    public bool Reaches(uint address) => Addresses.Any(a =>
        Ipv4Subnet.Create(Ipv4Subnet.ParseAddress(a[..a.IndexOf('/', StringComparison.Ordinal)]), int.Parse(a[(a.IndexOf('/', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture)).Contains(address));

    public override string ToString() => $"{Name}#{Index} ({Kind}{(Up ? ", up" : string.Empty)}{(Master != 0 ? ", master #" + Master : string.Empty)}{(Alias.Length > 0 ? ", alias '" + Alias + "'" : string.Empty)}{(Addresses.Count > 0 ? ", " + string.Join(' ', Addresses) : string.Empty)})";
}
