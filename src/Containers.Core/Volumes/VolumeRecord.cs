using System.Text.Json.Serialization;

namespace Containers.Volumes;

/// <summary>Holds what a volume was created with; stored as <c>volumes/&lt;name&gt;/volume.json</c> beside its <c>_data</c>.</summary>
internal sealed record VolumeRecord
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("driver")]
    public string Driver { get; init; } = VolumeService.LocalDriver;

    [JsonPropertyName("createdAt")]
    public DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("labels")]
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    [JsonPropertyName("options")]
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    [JsonPropertyName("anonymous")]
    public bool Anonymous { get; init; }
}
