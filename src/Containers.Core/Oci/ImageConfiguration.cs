using System.Text.Json;
using System.Text.Json.Serialization;

namespace Containers.Oci;

/// <summary>
/// Holds an image's configuration blob: platform, default run settings, the layers' diff IDs and the build history.
/// </summary>
/// <remarks>Unknown fields (Docker's <c>container_config</c>, for example) are kept and written back unchanged.</remarks>
public sealed record ImageConfiguration
{
    /// <summary>Gets when the image was created.</summary>
    [JsonPropertyName("created")]
    public DateTimeOffset? Created { get; init; }

    /// <summary>Gets who created the image.</summary>
    [JsonPropertyName("author")]
    public string? Author { get; init; }

    /// <summary>Gets the CPU architecture.</summary>
    [JsonPropertyName("architecture")]
    public required string Architecture { get; init; }

    /// <summary>Gets the operating system.</summary>
    [JsonPropertyName("os")]
    public required string OS { get; init; }

    /// <summary>Gets the operating system version.</summary>
    [JsonPropertyName("os.version")]
    public string? OSVersion { get; init; }

    /// <summary>Gets the CPU variant.</summary>
    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    /// <summary>Gets the default settings for containers made from the image.</summary>
    [JsonPropertyName("config")]
    public ContainerConfiguration? Config { get; init; }

    /// <summary>Gets the diff IDs of the layers, base layer first.</summary>
    [JsonPropertyName("rootfs")]
    public required RootFs RootFs { get; init; }

    /// <summary>Gets the build history, one entry per build step, oldest first.</summary>
    [JsonPropertyName("history")]
    public IReadOnlyList<HistoryEntry>? History { get; init; }

    /// <summary>Gets fields this type does not model, kept for round trips.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
