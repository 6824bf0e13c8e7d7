using System.Text.Json.Serialization;
using Containers.Containers;

namespace Containers.Internal;

/// <summary>Serializes the engine's own state files (container records and states, log lines) without reflection.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ContainerRecord))]
[JsonSerializable(typeof(ContainerState))]
[JsonSerializable(typeof(LogLine))]
internal sealed partial class StateJsonContext : JsonSerializerContext
{
}
