using System.Security.Cryptography;
using Containers.Hosting;
using Containers.Linux.Networking;
using Containers.Linux.Roots;
using Containers.Networks;

namespace Containers.Linux.Tests.Networking.Seam;

/// <summary>A <see cref="BridgeDriver"/> over a <see cref="FakeNetworkKernel"/> and a <see cref="FakeFirewall"/>, with networks and endpoints to give it.</summary>
internal sealed class FakeNetworkHost : IDisposable
{
    /// <summary>The root the driver is for; nothing is written there.</summary>
    public const string Root = "/var/lib/dotnet-containers-fake";

    public FakeNetworkHost()
    {
        Driver = new BridgeDriver(new StoreLayout(Root), new RootOwner(Owner), Kernel, Firewall);
    }

    /// <summary>Gets the label the driver's objects carry.</summary>
    public static OwnerLabel Owner { get; } = new("0123456789abcdef", Root);

    public FakeNetworkKernel Kernel { get; } = new();

    public FakeFirewall Firewall { get; } = new();

    public BridgeDriver Driver { get; }

    /// <summary>Returns a network record as the network service makes one, on a bridge named for its ID.</summary>
    public static NetworkDetails Network(string name = "web", string subnet = "10.89.3.0/24", bool isInternal = false)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var parsed = Ipv4Subnet.Parse(subnet);
        return new NetworkDetails
        {
            Name = name,
            Id = id,
            Subnet = parsed.ToString(),
            Gateway = Ipv4Subnet.FormatAddress(parsed.FirstHost),
            BridgeName = "dc" + id[..12],
            Internal = isInternal,
        };
    }

    /// <summary>Returns an endpoint with its address and interface names chosen, as the network service does before it attaches one.</summary>
    public static NetworkEndpoint Endpoint(NetworkDetails network, string container, string address, string interfaceName = "eth0", params PortBinding[] ports)
    {
        var id = container.PadRight(64, '0');
        return new NetworkEndpoint
        {
            ContainerId = id,
            ContainerName = container,
            Address = address,
            Interface = interfaceName,
            HostInterface = NetworkService.HostInterfaceName(id, network.Id),
            Ports = ports,
        };
    }

    /// <summary>Describes what the fake kernel holds, for assertion messages.</summary>
    public string Describe() =>
        string.Join("; ", Kernel.Links().Select(l => "host " + l)) + " | calls: " + string.Join(", ", Kernel.Calls);

    public void Dispose() => Driver.Dispose();
}
