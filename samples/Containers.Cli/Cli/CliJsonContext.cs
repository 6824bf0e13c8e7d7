using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Containers.Cli.Commands;

namespace Containers.Cli.Cli;

/// <summary>
/// Source-generated JSON metadata for every document the command line prints, so the native (AOT) executable
/// serializes without reflection. A new output type must be added here (<see cref="JsonOutput"/> throws otherwise).
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(object))]
[JsonSerializable(typeof(List<object>))]
[JsonSerializable(typeof(IReadOnlyList<object>))]
[JsonSerializable(typeof(IReadOnlyList<ContainerTemplateRow>))]
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(DiskUsageRow[]))]
[JsonSerializable(typeof(List<ImageListItem>))]
[JsonSerializable(typeof(ImageInspectDocument))]
[JsonSerializable(typeof(List<ContainerTemplateRow>))]
[JsonSerializable(typeof(ContainerTemplateRow))]
[JsonSerializable(typeof(List<ContainerListItem>))]
[JsonSerializable(typeof(List<ContainerStatsItem>))]
[JsonSerializable(typeof(ContainerInspectDocument))]
[JsonSerializable(typeof(NetworkInspectDocument))]
[JsonSerializable(typeof(List<VolumeInspectDocument>))]
[JsonSerializable(typeof(VolumeInspectDocument))]
[JsonSerializable(typeof(List<SnapshotListItem>))]
[JsonSerializable(typeof(List<ComposePsRow>))]
[JsonSerializable(typeof(IReadOnlyList<ComposePsRow>))]
[JsonSerializable(typeof(ComposePsRow))]
[JsonSerializable(typeof(ImageTemplateRow))]
[JsonSerializable(typeof(List<ImageTemplateRow>))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
