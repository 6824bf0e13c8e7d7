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
    /// <remarks>
    /// It reads as <see cref="Default"/> does (duplicate properties and comments refused), so a document this process
    /// wrote is read back through the same metadata: building a type's metadata is the costly part, and for the runtime
    /// specification a second build was 5% of the CPU time of a <c>containers run</c>.
    /// </remarks>
    public static OciJsonContext Writer { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        AllowDuplicateProperties = false,
        ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
