using System.Text.Json.Serialization;

namespace Containers.Networks;

/// <summary>Describes a network and its endpoints; stored as <c>networks/&lt;name&gt;.json</c>.</summary>
public sealed record NetworkDetails
{
    /// <summary>Gets the name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Gets the 64-hex-digit ID.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>Gets the driver; always <c>bridge</c>.</summary>
    [JsonPropertyName("driver")]
    public string Driver { get; init; } = "bridge";

    /// <summary>Gets the subnet in CIDR notation.</summary>
    [JsonPropertyName("subnet")]
    public required string Subnet { get; init; }

    /// <summary>Gets the gateway address, which the host's bridge holds.</summary>
    [JsonPropertyName("gateway")]
    public required string Gateway { get; init; }

    /// <summary>Gets the host's bridge interface.</summary>
    [JsonPropertyName("bridge")]
    public required string BridgeName { get; init; }

    /// <summary>Gets when the network was created.</summary>
    [JsonPropertyName("created")]
    public DateTimeOffset Created { get; init; }

    /// <summary>Gets labels.</summary>
    [JsonPropertyName("labels")]
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets a value indicating whether the network is cut off from outside.</summary>
    [JsonPropertyName("internal")]
    public bool Internal { get; init; }

    /// <summary>Gets a value indicating whether this is the default network <c>bridge</c>, where containers do not resolve each other's names (as in Docker).</summary>
    [JsonPropertyName("isDefault")]
    public bool IsDefault { get; init; }

    /// <summary>Gets the containers connected to the network; those running hold an address.</summary>
    [JsonPropertyName("endpoints")]
    public IReadOnlyList<NetworkEndpoint> Endpoints { get; init; } = [];
}
