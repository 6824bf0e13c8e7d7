using System.Text.Json.Serialization;
using Containers.Images;

namespace Containers.Oci;

/// <summary>Points at a blob by media type, digest and size, as in the OCI image specification.</summary>
public sealed record Descriptor
{
    /// <summary>Gets the media type of the referenced content.</summary>
    [JsonPropertyName("mediaType")]
    public required string MediaType { get; init; }

    /// <summary>Gets the digest of the referenced content.</summary>
    [JsonPropertyName("digest")]
    public required Digest Digest { get; init; }

    /// <summary>Gets the size of the referenced content in bytes.</summary>
    [JsonPropertyName("size")]
    public required long Size { get; init; }

    /// <summary>Gets URLs the content may also be downloaded from (foreign layers).</summary>
    [JsonPropertyName("urls")]
    public IReadOnlyList<string>? Urls { get; init; }

    /// <summary>Gets arbitrary metadata.</summary>
    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>Gets the platform of a manifest listed in an index.</summary>
    [JsonPropertyName("platform")]
    public Platform? Platform { get; init; }

    /// <summary>Gets the artifact type of a referenced artifact manifest.</summary>
    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    /// <summary>Gets the content itself, embedded (base64 in JSON).</summary>
    [JsonPropertyName("data")]
    public byte[]? Data { get; init; }

    /// <summary>Gets an annotation value, or <see langword="null"/>.</summary>
    public string? GetAnnotation(string key) => Annotations is not null && Annotations.TryGetValue(key, out var value) ? value : null;
}
