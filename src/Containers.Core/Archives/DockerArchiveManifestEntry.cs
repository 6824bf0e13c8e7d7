using System.Text.Json.Serialization;

namespace Containers.Archives;

/// <summary>One image in the <c>manifest.json</c> of a <c>docker save</c> archive.</summary>
internal sealed record DockerArchiveManifestEntry
{
    /// <summary>Gets the archive member holding the image configuration.</summary>
    [JsonPropertyName("Config")]
    public required string Config { get; init; }

    /// <summary>Gets the image's names.</summary>
    [JsonPropertyName("RepoTags")]
    public IReadOnlyList<string>? RepoTags { get; init; }

    /// <summary>Gets the archive members holding the layer tars, base layer first.</summary>
    [JsonPropertyName("Layers")]
    public required IReadOnlyList<string> Layers { get; init; }
}
