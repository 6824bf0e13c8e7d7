using System.Text.Json.Serialization;

namespace Containers.Oci;

/// <summary>Lists manifests, usually one per platform; also the shape of an OCI layout's <c>index.json</c>.</summary>
/// <remarks>Reads both OCI image indexes and Docker manifest lists, which share this shape.</remarks>
public sealed record ImageIndex
{
    /// <summary>Gets the schema version, always 2.</summary>
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; } = 2;

    /// <summary>Gets the index's media type (<see cref="MediaTypes.OciIndex"/> or <see cref="MediaTypes.DockerManifestList"/>).</summary>
    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; }

    /// <summary>Gets the artifact type, for artifact indexes.</summary>
    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    /// <summary>Gets the listed manifests.</summary>
    [JsonPropertyName("manifests")]
    public required IReadOnlyList<Descriptor> Manifests { get; init; }

    /// <summary>Gets the manifest this one refers to.</summary>
    [JsonPropertyName("subject")]
    public Descriptor? Subject { get; init; }

    /// <summary>Gets arbitrary metadata.</summary>
    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
