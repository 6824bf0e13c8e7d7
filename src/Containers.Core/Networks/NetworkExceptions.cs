namespace Containers.Networks;

/// <summary>Reports a network name or ID that the store does not hold.</summary>
public sealed class NetworkNotFoundException : ContainersException
{
    /// <summary>Initializes a new instance for the name or ID looked up.</summary>
    public NetworkNotFoundException(string network)
        : base($"No such network: {network}. List networks with 'network ls' or create it with 'network create {network}'.")
    {
        Network = network;
    }

    /// <summary>Gets the name or ID looked up.</summary>
    public string Network { get; }
}

/// <summary>Reports a network that cannot be removed because containers are connected to it.</summary>
public sealed class NetworkInUseException : ContainersException
{
    /// <summary>Initializes a new instance for the network and the containers using it.</summary>
    public NetworkInUseException(string network, IReadOnlyList<string> containers)
        : base($"Network {network} is in use by container(s) {string.Join(", ", containers)}: remove or disconnect them first.")
    {
        Network = network;
        Containers = containers;
    }

    /// <summary>Gets the network's name.</summary>
    public string Network { get; }

    /// <summary>Gets the names of the containers connected to it.</summary>
    public IReadOnlyList<string> Containers { get; }
}

/// <summary>Reports a network name that is already taken, or one that is reserved (<c>none</c>, <c>host</c>, <c>bridge</c>).</summary>
public sealed class NetworkNameConflictException : ContainersException
{
    /// <summary>Initializes a new instance for the name.</summary>
    public NetworkNameConflictException(string name, string reason)
        : base($"Cannot create network '{name}': {reason}.")
    {
        Name = name;
    }

    /// <summary>Gets the name asked for.</summary>
    public string Name { get; }
}

/// <summary>Reports a subnet that overlaps another network of this store or a route of the host.</summary>
public sealed class SubnetOverlapException : ContainersException
{
    /// <summary>Initializes a new instance for the subnet and what it overlaps.</summary>
    public SubnetOverlapException(string subnet, string other)
        : base($"Subnet {subnet} overlaps {other}: choose another subnet with --subnet, or leave it out to get a free one.")
    {
        Subnet = subnet;
        Other = other;
    }

    /// <summary>Gets the subnet asked for.</summary>
    public string Subnet { get; }

    /// <summary>Gets the network or route it overlaps.</summary>
    public string Other { get; }
}

/// <summary>Reports a malformed or unusable subnet, gateway or address.</summary>
public sealed class InvalidSubnetException : ContainersException
{
    /// <summary>Initializes a new instance for the value and what is wrong with it.</summary>
    public InvalidSubnetException(string value, string reason)
        : base($"Invalid subnet or address '{value}': {reason}.")
    {
        Value = value;
    }

    /// <summary>Gets the value given.</summary>
    public string Value { get; }
}

/// <summary>Reports a malformed port publication (<c>-p</c>) such as <c>70000</c> or <c>80/sctp</c>.</summary>
public sealed class InvalidPortSpecificationException : ContainersException
{
    /// <summary>Initializes a new instance for the specification and what is wrong with it.</summary>
    public InvalidPortSpecificationException(string specification, string reason)
        : base($"Invalid port specification '{specification}': {reason}. Use [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/tcp|/udp].")
    {
        Specification = specification;
    }

    /// <summary>Gets the specification given.</summary>
    public string Specification { get; }
}

/// <summary>Reports that a network has no free address left, or that no free subnet is left in the pool.</summary>
public sealed class AddressPoolExhaustedException : ContainersException
{
    /// <summary>Initializes a new instance.</summary>
    public AddressPoolExhaustedException(string message)
        : base(message)
    {
    }
}

/// <summary>Reports a host port that another container of this store already publishes.</summary>
public sealed class PortAlreadyAllocatedException : ContainersException
{
    /// <summary>Initializes a new instance for the port.</summary>
    public PortAlreadyAllocatedException(string hostIp, int port, string protocol, string holder)
        : base($"Bind for {hostIp}:{port}/{protocol} failed: port is already allocated by container {holder}. Choose another host port, or leave it out for a random one.")
    {
        HostPort = port;
    }

    /// <summary>Gets the host port.</summary>
    public int HostPort { get; }
}
