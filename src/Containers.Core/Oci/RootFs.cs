using System.Text.Json.Serialization;
using Containers.Images;

namespace Containers.Oci;

/// <summary>Lists the digests of an image's uncompressed layers (diff IDs), base layer first.</summary>
public sealed record RootFs
{
    /// <summary>Gets the type, always <c>layers</c>.</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = "layers";

    /// <summary>Gets the diff IDs: the digests of the uncompressed layer tars.</summary>
    [JsonPropertyName("diff_ids")]
    public required IReadOnlyList<Digest> DiffIds { get; init; }
}
