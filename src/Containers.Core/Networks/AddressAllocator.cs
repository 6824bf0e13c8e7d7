namespace Containers.Networks;

/// <summary>Chooses subnets for new networks and addresses for endpoints, avoiding everything already taken.</summary>
internal static class AddressAllocator
{
    /// <summary>The default network's pool: /24s of 172.29.0.0/16.</summary>
    public static readonly Ipv4Subnet DefaultPool = Ipv4Subnet.Parse("172.29.0.0/16");

    /// <summary>User-defined networks' pool: /24s of 172.30.0.0/15, clear of Docker's and podman's defaults.</summary>
    public static readonly Ipv4Subnet UserPool = Ipv4Subnet.Parse("172.30.0.0/15");

    /// <summary>Returns the first /24 of <paramref name="pool"/> that overlaps nothing in <paramref name="taken"/>.</summary>
    public static Ipv4Subnet ChooseSubnet(Ipv4Subnet pool, IEnumerable<Ipv4Subnet> taken)
    {
        var used = taken.ToList();
        for (var network = pool.Network; pool.Contains(network); network += 256)
        {
            var candidate = Ipv4Subnet.Create(network, 24);
            if (!used.Any(candidate.Overlaps))
            {
                return candidate;
            }
        }

        throw new AddressPoolExhaustedException($"No free subnet is left in {pool}: remove unused networks ('network prune') or give one with --subnet.");
    }

    /// <summary>Returns the lowest free host address of the network: not the network, broadcast or gateway address, not held by an endpoint.</summary>
    public static string ChooseAddress(NetworkDetails network)
    {
        var subnet = Ipv4Subnet.Parse(network.Subnet);
        var taken = network.Endpoints.Where(e => e.Address is not null).Select(e => Ipv4Subnet.ParseAddress(e.Address!)).ToHashSet();
        taken.Add(Ipv4Subnet.ParseAddress(network.Gateway));
        for (var address = subnet.FirstHost; address < subnet.Broadcast; address++)
        {
            if (!taken.Contains(address))
            {
                return Ipv4Subnet.FormatAddress(address);
            }
        }

        throw new AddressPoolExhaustedException($"Network {network.Name} ({network.Subnet}) has no free address left: stop a container on it or use a larger subnet.");
    }
}
