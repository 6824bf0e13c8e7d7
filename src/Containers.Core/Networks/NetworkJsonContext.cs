using System.Text.Json.Serialization;

namespace Containers.Networks;

/// <summary>Serializes network files without reflection.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(NetworkDetails))]
internal sealed partial class NetworkJsonContext : JsonSerializerContext
{
}
