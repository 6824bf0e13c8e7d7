using System.Text.Json.Serialization;

namespace Containers.Volumes;

/// <summary>Serializes <c>volume.json</c> without reflection.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(VolumeRecord))]
internal sealed partial class VolumeJsonContext : JsonSerializerContext
{
}
