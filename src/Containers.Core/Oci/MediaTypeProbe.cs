using System.Text.Json.Serialization;

namespace Containers.Oci;

/// <summary>Reads only the fields that tell a manifest from an index when no Content-Type says which.</summary>
internal sealed record MediaTypeProbe
{
    [JsonPropertyName("schemaVersion")]
    public int? SchemaVersion { get; init; }

    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; }

    [JsonPropertyName("manifests")]
    public System.Text.Json.JsonElement? Manifests { get; init; }

    [JsonPropertyName("config")]
    public System.Text.Json.JsonElement? Config { get; init; }
}
