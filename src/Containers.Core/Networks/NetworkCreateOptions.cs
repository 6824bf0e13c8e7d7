namespace Containers.Networks;

/// <summary>Configures a new user-defined bridge network, as the flags of <c>docker network create</c> do.</summary>
public sealed record NetworkCreateOptions
{
    /// <summary>Gets the network's name: letters, digits, <c>_</c>, <c>.</c> and <c>-</c>, starting with a letter or digit.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the subnet in CIDR notation; a free /24 from 172.30.0.0/15 when <see langword="null"/>.</summary>
    public string? Subnet { get; init; }

    /// <summary>Gets the gateway address (the bridge's own); the subnet's first address when <see langword="null"/>.</summary>
    public string? Gateway { get; init; }

    /// <summary>Gets labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets a value indicating whether containers on the network are cut off from outside (no NAT, no published ports).</summary>
    public bool Internal { get; init; }
}
