using System.Text.Json.Serialization;

namespace Containers.Oci;

/// <summary>Serializes every OCI wire format without reflection, so the engine stays trimmable.</summary>
/// <remarks>Duplicate properties are refused: two readers must never see two different documents in the same bytes.</remarks>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowDuplicateProperties = false,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(ImageManifest))]
[JsonSerializable(typeof(ImageIndex))]
[JsonSerializable(typeof(ImageConfiguration))]
[JsonSerializable(typeof(OciLayoutMarker))]
[JsonSerializable(typeof(Runtime.RuntimeSpec))]
[JsonSerializable(typeof(Runtime.RuntimeSeccomp))]
[JsonSerializable(typeof(MediaTypeProbe))]
[JsonSerializable(typeof(List<Archives.DockerArchiveManifestEntry>))]
[JsonSerializable(typeof(Dictionary<string, Dictionary<string, string>>))]
internal sealed partial class OciJsonContext : JsonSerializerContext
{
    /// <summary>Gets a context that writes '+' and other non-HTML-safe characters as themselves, as Docker and containerd do.</summary>
    public static OciJsonContext Writer { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
