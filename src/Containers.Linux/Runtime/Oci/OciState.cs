using System.Text.Json.Serialization;

namespace Containers.Linux.Runtime.Oci;

/// <summary>What <c>create</c> records in the state directory so later invocations can find the container.</summary>
internal sealed record OciStateRecord
{
    public required string Id { get; init; }

    /// <summary>Gets the bundle's ociVersion, which state and list report as runc does (null in states written before it was kept).</summary>
    public string? OciVersion { get; init; }

    public int Pid { get; init; }

    /// <summary>Gets the process's start time in clock ticks since boot: a reused pid is not the container.</summary>
    public ulong StartTime { get; init; }

    public required string Bundle { get; init; }

    public required string Rootfs { get; init; }

    public required string CgroupsPath { get; init; }

    public DateTimeOffset Created { get; init; }

    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}

/// <summary>The state the <c>state</c> command prints, as the runtime specification defines it (plus runc's extra fields).</summary>
internal sealed record OciStateOutput
{
    public string OciVersion { get; init; } = "1.2.0";

    public required string Id { get; init; }

    public required string Status { get; init; }

    public int Pid { get; init; }

    public required string Bundle { get; init; }

    public required string Rootfs { get; init; }

    public DateTimeOffset Created { get; init; }

    public string Owner { get; init; } = string.Empty;

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();
}

/// <summary>The runtime's answer to <c>features</c>, a subset of what runc reports.</summary>
internal sealed record OciFeatures
{
    public string OciVersionMin { get; init; } = "1.0.0";

    public string OciVersionMax { get; init; } = "1.2.0";

    public IReadOnlyList<string> MountOptions { get; init; } = [];

    public OciLinuxFeatures Linux { get; init; } = new();
}

/// <summary>The Linux part of <see cref="OciFeatures"/>.</summary>
internal sealed record OciLinuxFeatures
{
    public IReadOnlyList<string> Namespaces { get; init; } = ["cgroup", "ipc", "mount", "network", "pid", "user", "uts"];
}

/// <summary>Serializes the front end's state and output without reflection.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(OciStateRecord))]
[JsonSerializable(typeof(OciStateOutput))]
[JsonSerializable(typeof(OciFeatures))]
internal sealed partial class OciStateJsonContext : JsonSerializerContext
{
}
