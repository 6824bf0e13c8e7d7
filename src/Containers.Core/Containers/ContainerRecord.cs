using System.Text.Json.Serialization;
using Containers.Images;

namespace Containers.Containers;

/// <summary>Holds what a container was created with; stored as <c>container.json</c> and never changed but by rename.</summary>
internal sealed record ContainerRecord
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("created")]
    public DateTimeOffset Created { get; init; }

    /// <summary>Gets the image as the user named it.</summary>
    [JsonPropertyName("image")]
    public required string Image { get; init; }

    [JsonPropertyName("imageId")]
    public required Digest ImageId { get; init; }

    [JsonPropertyName("manifestDigest")]
    public required Digest ManifestDigest { get; init; }

    /// <summary>Gets the resolved command: entrypoint and cmd merged.</summary>
    [JsonPropertyName("args")]
    public required IReadOnlyList<string> Args { get; init; }

    [JsonPropertyName("options")]
    public required ContainerCreateOptions Options { get; init; }

    [JsonPropertyName("labels")]
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the effective health check (image and options merged, defaults applied), or null for none.</summary>
    [JsonPropertyName("healthCheck")]
    public HealthCheckConfig? HealthCheck { get; init; }

    /// <summary>Gets the program and arguments each health check runs.</summary>
    [JsonPropertyName("healthCommand")]
    public IReadOnlyList<string>? HealthCommand { get; init; }
}
