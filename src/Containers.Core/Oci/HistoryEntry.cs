using System.Text.Json.Serialization;

namespace Containers.Oci;

/// <summary>Records one build step of an image.</summary>
public sealed record HistoryEntry
{
    /// <summary>Gets when the step ran.</summary>
    [JsonPropertyName("created")]
    public DateTimeOffset? Created { get; init; }

    /// <summary>Gets the command that made the step.</summary>
    [JsonPropertyName("created_by")]
    public string? CreatedBy { get; init; }

    /// <summary>Gets who made the step.</summary>
    [JsonPropertyName("author")]
    public string? Author { get; init; }

    /// <summary>Gets a comment.</summary>
    [JsonPropertyName("comment")]
    public string? Comment { get; init; }

    /// <summary>Gets a value indicating whether the step changed no files, and so has no layer.</summary>
    [JsonPropertyName("empty_layer")]
    public bool? EmptyLayer { get; init; }
}
