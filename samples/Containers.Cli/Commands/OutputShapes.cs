using Containers.Containers;
using Containers.Oci;

namespace Containers.Cli.Commands;

// The documents the commands print as JSON (and walk with --format templates), as named types so that System.Text.Json
// source generation (CliJsonContext) serializes them without reflection, as the native executable needs. Property
// order is output order: it follows docker's.

/// <summary>One line of <c>system df --format json</c>.</summary>
internal sealed record DiskUsageRow(string Type, int TotalCount, int Active, long Size, long Reclaimable);

/// <summary>One image of <c>images --format json</c>.</summary>
internal sealed record ImageListItem(string Id, string ManifestDigest, IReadOnlyList<string> RepoTags, DateTimeOffset? Created, long Size);

/// <summary>An image as docker's <c>image inspect</c> shows it, with the OCI documents alongside.</summary>
internal sealed record ImageInspectDocument
{
    public required string Id { get; init; }
    public required IReadOnlyList<string> RepoTags { get; init; }
    public required IReadOnlyList<string> RepoDigests { get; init; }
    public DateTimeOffset? Created { get; init; }
    public string? Author { get; init; }
    public ContainerConfiguration? Config { get; init; }
    public required string Architecture { get; init; }
    public string? Variant { get; init; }
    public required string Os { get; init; }
    public long Size { get; init; }
    public required ImageRootFs RootFS { get; init; }
    public required ImageManifestShape Manifest { get; init; }
    public required IReadOnlyList<ImageLayerShape> Layers { get; init; }
    public IReadOnlyList<HistoryEntry>? History { get; init; }
}

/// <summary>An image's <c>RootFS</c>: its layers' diff IDs.</summary>
internal sealed record ImageRootFs(string Type, IReadOnlyList<string> Layers);

/// <summary>An image's manifest descriptor.</summary>
internal sealed record ImageManifestShape(string MediaType, string Digest, long Size);

/// <summary>One layer of an image: its blob and its diff ID.</summary>
internal sealed record ImageLayerShape(string MediaType, string Digest, long Size, string DiffId);

/// <summary>One container of <c>ps --format TEMPLATE</c>: docker's template fields.</summary>
internal sealed record ContainerTemplateRow(string ID, string Image, string Command, string CreatedAt, string RunningFor, string Status, string State, string Names, string Labels);

/// <summary>One container of <c>ps --format json</c>.</summary>
internal sealed record ContainerListItem(string Id, string Names, string Image, string Command, DateTimeOffset Created, string State, string Status, IReadOnlyDictionary<string, string> Labels);

/// <summary>One container of <c>stats --format json</c>.</summary>
internal sealed record ContainerStatsItem(string Container, string Name, double CpuPercent, ulong MemoryUsage, ulong MemoryLimit, ulong Pids, ulong BlockRead, ulong BlockWrite);

/// <summary>A container as docker's <c>inspect</c> shows it (before <c>NetworkSettings</c> is added).</summary>
internal sealed record ContainerInspectDocument
{
    public required string Id { get; init; }
    public DateTimeOffset Created { get; init; }
    public required string Path { get; init; }
    public required IReadOnlyList<string> Args { get; init; }
    public required ContainerStateShape State { get; init; }
    public required string Image { get; init; }
    public required string Name { get; init; }
    public int RestartCount { get; init; }
    public required string LogPath { get; init; }
    public required ContainerConfigShape Config { get; init; }
    public required HostConfigShape HostConfig { get; init; }
}

/// <summary>Docker's <c>State</c>.</summary>
internal sealed record ContainerStateShape
{
    public required string Status { get; init; }
    public bool Running { get; init; }
    public bool Paused { get; init; }
    public bool Restarting { get; init; }
    public bool OOMKilled { get; init; }
    public bool Dead { get; init; }
    public int Pid { get; init; }
    public int ExitCode { get; init; }
    public required string Error { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public HealthShape? Health { get; init; }
}

/// <summary>Docker's <c>Config</c> of a container.</summary>
internal sealed record ContainerConfigShape
{
    public required string Hostname { get; init; }
    public string? User { get; init; }
    public IReadOnlyList<string>? Env { get; init; }
    public IReadOnlyList<string>? Cmd { get; init; }
    public required string Image { get; init; }
    public string? WorkingDir { get; init; }
    public IReadOnlyList<string>? Entrypoint { get; init; }
    public required IReadOnlyDictionary<string, string> Labels { get; init; }
    public HealthcheckShape? Healthcheck { get; init; }
}

/// <summary>Docker's <c>HostConfig</c>.</summary>
internal sealed record HostConfigShape
{
    public bool AutoRemove { get; init; }
    public bool Privileged { get; init; }
    public bool ReadonlyRootfs { get; init; }
    public long? Memory { get; init; }
    public long NanoCpus { get; init; }
    public long? PidsLimit { get; init; }
    public required IReadOnlyList<string> CapAdd { get; init; }
    public required IReadOnlyList<string> CapDrop { get; init; }
    public required IReadOnlyList<string> SecurityOpt { get; init; }
    public required RestartPolicyShape RestartPolicy { get; init; }
    public required string NetworkMode { get; init; }
}

/// <summary>Docker's <c>HostConfig.RestartPolicy</c>.</summary>
internal sealed record RestartPolicyShape(string Name, int MaximumRetryCount);

/// <summary>Docker's <c>State.Health</c>.</summary>
internal sealed record HealthShape(string Status, int FailingStreak, IReadOnlyList<HealthResultShape> Log);

/// <summary>One check of <c>State.Health.Log</c>.</summary>
internal sealed record HealthResultShape(DateTimeOffset Start, DateTimeOffset End, int ExitCode, string Output);

/// <summary>Docker's <c>Config.Healthcheck</c> (durations in nanoseconds).</summary>
internal sealed record HealthcheckShape(IReadOnlyList<string> Test, long Interval, long Timeout, long StartPeriod, long StartInterval, int? Retries);

/// <summary>A network as docker's <c>network inspect</c> shows it.</summary>
internal sealed record NetworkInspectDocument
{
    public required string Name { get; init; }
    public required string Id { get; init; }
    public DateTimeOffset Created { get; init; }
    public required string Scope { get; init; }
    public required string Driver { get; init; }
    public required NetworkIpamShape IPAM { get; init; }
    public bool Internal { get; init; }
    public required IReadOnlyDictionary<string, NetworkContainerShape> Containers { get; init; }
    public required IReadOnlyDictionary<string, string> Options { get; init; }
    public required IReadOnlyDictionary<string, string> Labels { get; init; }
}

/// <summary>A network's <c>IPAM</c>.</summary>
internal sealed record NetworkIpamShape(string Driver, IReadOnlyList<NetworkIpamConfigShape> Config);

/// <summary>One subnet of a network's <c>IPAM.Config</c>.</summary>
internal sealed record NetworkIpamConfigShape(string Subnet, string Gateway);

/// <summary>One container attached to a network.</summary>
internal sealed record NetworkContainerShape(string Name, string IPv4Address, IReadOnlyList<string> Aliases);

/// <summary>A volume as <c>docker volume inspect</c> shows it.</summary>
internal sealed record VolumeInspectDocument(
    string CreatedAt, string Driver, IReadOnlyDictionary<string, string> Labels, string Mountpoint, string Name, IReadOnlyDictionary<string, string> Options, string Scope);

/// <summary>A ready snapshot as <c>snapshot ls --json</c> shows it.</summary>
internal sealed record SnapshotListItem(string Key, string SourceImage, string ImageId, string Reference, DateTimeOffset? Created, long Size, long TotalSize);

/// <summary>A service container as <c>compose ps --format</c> shows it (the fields docker compose's templates name).</summary>
internal sealed record ComposePsRow(string Name, string Image, string Service, string State, string Health, int ExitCode, string Status, string Ports);

/// <summary>An image name as <c>images --format</c> templates see it (docker's field names).</summary>
internal sealed record ImageTemplateRow(string Repository, string Tag, string ID, string Digest, string CreatedSince, string CreatedAt, string Size);
