using System.Text.Json.Serialization;

namespace Containers.Containers;

/// <summary>One line of a container's log file, in Docker's json-file format.</summary>
internal sealed record LogLine
{
    [JsonPropertyName("log")]
    public required string Log { get; init; }

    [JsonPropertyName("stream")]
    public required string Stream { get; init; }

    [JsonPropertyName("time")]
    public DateTimeOffset Time { get; init; }
}
