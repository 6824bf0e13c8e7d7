using System.Text.Json.Serialization;

namespace Containers.Networks;

/// <summary>A container's connection to a network: its names there and, while it runs, its address, interfaces and published ports.</summary>
public sealed record NetworkEndpoint
{
    /// <summary>Gets the container's ID.</summary>
    [JsonPropertyName("containerId")]
    public required string ContainerId { get; init; }

    /// <summary>Gets the container's name, which other containers on a user-defined network resolve.</summary>
    [JsonPropertyName("containerName")]
    public required string ContainerName { get; init; }

    /// <summary>Gets further names other containers on the network resolve (<c>--network-alias</c>).</summary>
    [JsonPropertyName("aliases")]
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Gets the ports to publish, as asked for (host port 0 for a free one).</summary>
    [JsonPropertyName("requestedPorts")]
    public IReadOnlyList<PortBinding> RequestedPorts { get; init; } = [];

    /// <summary>Gets the container's address while it runs; <see langword="null"/> when it is stopped.</summary>
    [JsonPropertyName("address")]
    public string? Address { get; init; }

    /// <summary>Gets the host end of the container's veth pair while it runs.</summary>
    [JsonPropertyName("hostInterface")]
    public string? HostInterface { get; init; }

    /// <summary>Gets the interface name inside the container (<c>eth0</c>).</summary>
    [JsonPropertyName("interface")]
    public string? Interface { get; init; }

    /// <summary>Gets the ports published while it runs, with the host ports chosen.</summary>
    [JsonPropertyName("ports")]
    public IReadOnlyList<PortBinding> Ports { get; init; } = [];
}
