using System.Text.Json.Serialization;

namespace Containers.Oci.Runtime;

/// <summary>
/// Holds an OCI runtime specification (<c>config.json</c>): the contract between the container service and a runtime.
/// </summary>
/// <remarks>Models the Linux subset the engine uses; unknown fields are not kept.</remarks>
public sealed record RuntimeSpec
{
    /// <summary>Gets the specification version.</summary>
    [JsonPropertyName("ociVersion")]
    public string OciVersion { get; init; } = "1.2.0";

    /// <summary>Gets the process to run.</summary>
    [JsonPropertyName("process")]
    public RuntimeProcess? Process { get; init; }

    /// <summary>Gets the root filesystem.</summary>
    [JsonPropertyName("root")]
    public RuntimeRoot? Root { get; init; }

    /// <summary>Gets the container's host name.</summary>
    [JsonPropertyName("hostname")]
    public string? Hostname { get; init; }

    /// <summary>Gets the container's domain name.</summary>
    [JsonPropertyName("domainname")]
    public string? Domainname { get; init; }

    /// <summary>Gets the mounts, in the order they are made.</summary>
    [JsonPropertyName("mounts")]
    public IReadOnlyList<RuntimeMount>? Mounts { get; init; }

    /// <summary>Gets the Linux-specific settings.</summary>
    [JsonPropertyName("linux")]
    public RuntimeLinux? Linux { get; init; }

    /// <summary>Gets arbitrary metadata.</summary>
    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}

/// <summary>Describes the container's process.</summary>
public sealed record RuntimeProcess
{
    /// <summary>Gets a value indicating whether the process gets a terminal.</summary>
    [JsonPropertyName("terminal")]
    public bool Terminal { get; init; }

    /// <summary>Gets the user the process runs as.</summary>
    [JsonPropertyName("user")]
    public RuntimeUser User { get; init; } = new();

    /// <summary>Gets the program and its arguments; the first is resolved against <c>PATH</c> in the container.</summary>
    [JsonPropertyName("args")]
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Gets the environment as <c>NAME=value</c>.</summary>
    [JsonPropertyName("env")]
    public IReadOnlyList<string>? Env { get; init; }

    /// <summary>Gets the working directory, an absolute path in the container.</summary>
    [JsonPropertyName("cwd")]
    public string Cwd { get; init; } = "/";

    /// <summary>Gets the capability sets.</summary>
    [JsonPropertyName("capabilities")]
    public RuntimeCapabilities? Capabilities { get; init; }

    /// <summary>Gets the resource limits.</summary>
    [JsonPropertyName("rlimits")]
    public IReadOnlyList<RuntimeRlimit>? Rlimits { get; init; }

    /// <summary>Gets a value indicating whether the process may not gain privileges (setuid binaries, file capabilities).</summary>
    [JsonPropertyName("noNewPrivileges")]
    public bool NoNewPrivileges { get; init; }

    /// <summary>Gets the OOM score adjustment.</summary>
    [JsonPropertyName("oomScoreAdj")]
    public int? OomScoreAdj { get; init; }
}

/// <summary>Gives the user and groups of the container's process.</summary>
public sealed record RuntimeUser
{
    /// <summary>Gets the user ID.</summary>
    [JsonPropertyName("uid")]
    public uint Uid { get; init; }

    /// <summary>Gets the group ID.</summary>
    [JsonPropertyName("gid")]
    public uint Gid { get; init; }

    /// <summary>Gets the file mode creation mask.</summary>
    [JsonPropertyName("umask")]
    public uint? Umask { get; init; }

    /// <summary>Gets the supplementary group IDs.</summary>
    [JsonPropertyName("additionalGids")]
    public IReadOnlyList<uint>? AdditionalGids { get; init; }
}

/// <summary>Lists capability names (<c>CAP_CHOWN</c>, ...) per capability set.</summary>
public sealed record RuntimeCapabilities
{
    /// <summary>Gets the bounding set.</summary>
    [JsonPropertyName("bounding")]
    public IReadOnlyList<string>? Bounding { get; init; }

    /// <summary>Gets the effective set.</summary>
    [JsonPropertyName("effective")]
    public IReadOnlyList<string>? Effective { get; init; }

    /// <summary>Gets the inheritable set.</summary>
    [JsonPropertyName("inheritable")]
    public IReadOnlyList<string>? Inheritable { get; init; }

    /// <summary>Gets the permitted set.</summary>
    [JsonPropertyName("permitted")]
    public IReadOnlyList<string>? Permitted { get; init; }

    /// <summary>Gets the ambient set.</summary>
    [JsonPropertyName("ambient")]
    public IReadOnlyList<string>? Ambient { get; init; }
}

/// <summary>Sets one resource limit (<c>RLIMIT_NOFILE</c>, ...).</summary>
public sealed record RuntimeRlimit
{
    /// <summary>Gets the limit's name.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    /// <summary>Gets the hard limit.</summary>
    [JsonPropertyName("hard")]
    public ulong Hard { get; init; }

    /// <summary>Gets the soft limit.</summary>
    [JsonPropertyName("soft")]
    public ulong Soft { get; init; }
}

/// <summary>Points at the container's root filesystem.</summary>
public sealed record RuntimeRoot
{
    /// <summary>Gets the root filesystem's path, absolute or relative to the bundle.</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>Gets a value indicating whether the root filesystem is read-only.</summary>
    [JsonPropertyName("readonly")]
    public bool Readonly { get; init; }
}

/// <summary>Describes one mount in the container.</summary>
public sealed record RuntimeMount
{
    /// <summary>Gets the absolute path in the container.</summary>
    [JsonPropertyName("destination")]
    public required string Destination { get; init; }

    /// <summary>Gets the file system type (<c>proc</c>, <c>tmpfs</c>, <c>bind</c>, ...).</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>Gets the source: a device, a host path for bind mounts, or a name.</summary>
    [JsonPropertyName("source")]
    public string? Source { get; init; }

    /// <summary>Gets the mount options (<c>nosuid</c>, <c>ro</c>, <c>bind</c>, <c>size=65536k</c>, ...).</summary>
    [JsonPropertyName("options")]
    public IReadOnlyList<string>? Options { get; init; }
}
