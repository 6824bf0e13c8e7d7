using System.Text.Json.Serialization;

namespace Containers.Oci;

/// <summary>Describes one single-platform image: its configuration blob and its layers, base layer first.</summary>
/// <remarks>Reads both OCI image manifests and Docker schema 2 manifests, which share this shape.</remarks>
public sealed record ImageManifest
{
    /// <summary>Gets the schema version, always 2.</summary>
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; } = 2;

    /// <summary>Gets the manifest's media type (<see cref="MediaTypes.OciManifest"/> or <see cref="MediaTypes.DockerManifest"/>).</summary>
    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; }

    /// <summary>Gets the artifact type, for artifacts that are not runnable images.</summary>
    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    /// <summary>Gets the image configuration blob.</summary>
    [JsonPropertyName("config")]
    public required Descriptor Config { get; init; }

    /// <summary>Gets the layers, base layer first.</summary>
    [JsonPropertyName("layers")]
    public required IReadOnlyList<Descriptor> Layers { get; init; }

    /// <summary>Gets the manifest this one refers to (signatures, SBOMs).</summary>
    [JsonPropertyName("subject")]
    public Descriptor? Subject { get; init; }

    /// <summary>Gets arbitrary metadata.</summary>
    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
