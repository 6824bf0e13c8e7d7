using System.Text.Json.Serialization;

namespace Containers.Oci.Runtime;

/// <summary>Holds the Linux-specific part of a runtime specification.</summary>
public sealed record RuntimeLinux
{
    /// <summary>Gets the namespaces to create (no path) or join (with a path).</summary>
    [JsonPropertyName("namespaces")]
    public IReadOnlyList<RuntimeNamespace>? Namespaces { get; init; }

    /// <summary>Gets the user ID mappings of a user namespace.</summary>
    [JsonPropertyName("uidMappings")]
    public IReadOnlyList<RuntimeIdMapping>? UidMappings { get; init; }

    /// <summary>Gets the group ID mappings of a user namespace.</summary>
    [JsonPropertyName("gidMappings")]
    public IReadOnlyList<RuntimeIdMapping>? GidMappings { get; init; }

    /// <summary>Gets the cgroup resource limits.</summary>
    [JsonPropertyName("resources")]
    public RuntimeResources? Resources { get; init; }

    /// <summary>Gets the cgroup path, relative to the cgroup root of each hierarchy.</summary>
    [JsonPropertyName("cgroupsPath")]
    public string? CgroupsPath { get; init; }

    /// <summary>Gets the seccomp filter.</summary>
    [JsonPropertyName("seccomp")]
    public RuntimeSeccomp? Seccomp { get; init; }

    /// <summary>Gets paths made unreadable in the container.</summary>
    [JsonPropertyName("maskedPaths")]
    public IReadOnlyList<string>? MaskedPaths { get; init; }

    /// <summary>Gets paths made read-only in the container.</summary>
    [JsonPropertyName("readonlyPaths")]
    public IReadOnlyList<string>? ReadonlyPaths { get; init; }

    /// <summary>Gets kernel parameters set in the container's namespaces.</summary>
    [JsonPropertyName("sysctl")]
    public IReadOnlyDictionary<string, string>? Sysctl { get; init; }

    /// <summary>Gets the devices created in the container's <c>/dev</c>.</summary>
    [JsonPropertyName("devices")]
    public IReadOnlyList<RuntimeDevice>? Devices { get; init; }

    /// <summary>Gets the propagation of the root mount (<c>private</c>, <c>rprivate</c>, <c>slave</c>, ...).</summary>
    [JsonPropertyName("rootfsPropagation")]
    public string? RootfsPropagation { get; init; }
}

/// <summary>Names a namespace to create, or to join when <see cref="Path"/> is set.</summary>
public sealed record RuntimeNamespace
{
    /// <summary>Gets the namespace type: pid, network, mount, ipc, uts, user or cgroup.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    /// <summary>Gets the namespace file to join, such as <c>/proc/1234/ns/net</c>.</summary>
    [JsonPropertyName("path")]
    public string? Path { get; init; }
}

/// <summary>Maps a range of IDs in a user namespace to IDs on the host.</summary>
public sealed record RuntimeIdMapping
{
    /// <summary>Gets the first ID in the container.</summary>
    [JsonPropertyName("containerID")]
    public uint ContainerId { get; init; }

    /// <summary>Gets the first ID on the host.</summary>
    [JsonPropertyName("hostID")]
    public uint HostId { get; init; }

    /// <summary>Gets the number of IDs mapped.</summary>
    [JsonPropertyName("size")]
    public uint Size { get; init; }
}

/// <summary>Holds cgroup resource limits.</summary>
public sealed record RuntimeResources
{
    /// <summary>Gets the memory limits.</summary>
    [JsonPropertyName("memory")]
    public RuntimeMemory? Memory { get; init; }

    /// <summary>Gets the CPU limits.</summary>
    [JsonPropertyName("cpu")]
    public RuntimeCpu? Cpu { get; init; }

    /// <summary>Gets the process-count limit.</summary>
    [JsonPropertyName("pids")]
    public RuntimePids? Pids { get; init; }

    /// <summary>Gets the device access rules, applied in order (the last matching rule decides).</summary>
    [JsonPropertyName("devices")]
    public IReadOnlyList<RuntimeDeviceRule>? Devices { get; init; }
}

/// <summary>Allows or denies access to devices, as the device cgroup does.</summary>
public sealed record RuntimeDeviceRule
{
    /// <summary>Gets a value indicating whether the rule allows (rather than denies) the access.</summary>
    [JsonPropertyName("allow")]
    public bool Allow { get; init; }

    /// <summary>Gets the device type: <c>c</c>, <c>b</c>, or <c>a</c> (or null) for both.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>Gets the major number; null matches any.</summary>
    [JsonPropertyName("major")]
    public long? Major { get; init; }

    /// <summary>Gets the minor number; null matches any.</summary>
    [JsonPropertyName("minor")]
    public long? Minor { get; init; }

    /// <summary>Gets the access: any of <c>r</c> (read), <c>w</c> (write), <c>m</c> (mknod); null for all three.</summary>
    [JsonPropertyName("access")]
    public string? Access { get; init; }
}

/// <summary>Limits memory.</summary>
public sealed record RuntimeMemory
{
    /// <summary>Gets the limit in bytes.</summary>
    [JsonPropertyName("limit")]
    public long? Limit { get; init; }

    /// <summary>Gets the memory plus swap limit in bytes (-1 for unlimited swap).</summary>
    [JsonPropertyName("swap")]
    public long? Swap { get; init; }
}

/// <summary>Limits CPU use.</summary>
public sealed record RuntimeCpu
{
    /// <summary>Gets the relative weight (cgroup v1 shares, 2 to 262144).</summary>
    [JsonPropertyName("shares")]
    public ulong? Shares { get; init; }

    /// <summary>Gets the CPU time allowed per period, in microseconds.</summary>
    [JsonPropertyName("quota")]
    public long? Quota { get; init; }

    /// <summary>Gets the period, in microseconds.</summary>
    [JsonPropertyName("period")]
    public ulong? Period { get; init; }

    /// <summary>Gets the CPUs the container may run on (<c>0-2,4</c>).</summary>
    [JsonPropertyName("cpus")]
    public string? Cpus { get; init; }

    /// <summary>Gets the memory nodes the container may use.</summary>
    [JsonPropertyName("mems")]
    public string? Mems { get; init; }
}

/// <summary>Limits the number of processes.</summary>
public sealed record RuntimePids
{
    /// <summary>Gets the maximum number of processes; 0 or less is unlimited.</summary>
    [JsonPropertyName("limit")]
    public long Limit { get; init; }
}

/// <summary>Describes a seccomp filter as the OCI specification does.</summary>
public sealed record RuntimeSeccomp
{
    /// <summary>Gets the action for syscalls no rule matches (<c>SCMP_ACT_ERRNO</c>, ...).</summary>
    [JsonPropertyName("defaultAction")]
    public required string DefaultAction { get; init; }

    /// <summary>Gets the errno returned by the default action.</summary>
    [JsonPropertyName("defaultErrnoRet")]
    public uint? DefaultErrnoRet { get; init; }

    /// <summary>Gets the architectures the filter accepts (<c>SCMP_ARCH_X86_64</c>, ...).</summary>
    [JsonPropertyName("architectures")]
    public IReadOnlyList<string>? Architectures { get; init; }

    /// <summary>Gets the rules.</summary>
    [JsonPropertyName("syscalls")]
    public IReadOnlyList<RuntimeSeccompRule>? Syscalls { get; init; }
}

/// <summary>Applies an action to named syscalls, optionally only when their arguments match.</summary>
public sealed record RuntimeSeccompRule
{
    /// <summary>Gets the syscall names.</summary>
    [JsonPropertyName("names")]
    public required IReadOnlyList<string> Names { get; init; }

    /// <summary>Gets the action (<c>SCMP_ACT_ALLOW</c>, <c>SCMP_ACT_ERRNO</c>, ...).</summary>
    [JsonPropertyName("action")]
    public required string Action { get; init; }

    /// <summary>Gets the errno for <c>SCMP_ACT_ERRNO</c>.</summary>
    [JsonPropertyName("errnoRet")]
    public uint? ErrnoRet { get; init; }

    /// <summary>Gets the argument conditions, all of which must hold.</summary>
    [JsonPropertyName("args")]
    public IReadOnlyList<RuntimeSeccompArg>? Args { get; init; }
}

/// <summary>Compares one syscall argument.</summary>
public sealed record RuntimeSeccompArg
{
    /// <summary>Gets the argument index (0 to 5).</summary>
    [JsonPropertyName("index")]
    public uint Index { get; init; }

    /// <summary>Gets the value compared with.</summary>
    [JsonPropertyName("value")]
    public ulong Value { get; init; }

    /// <summary>Gets the second value (the expected result of <c>SCMP_CMP_MASKED_EQ</c>).</summary>
    [JsonPropertyName("valueTwo")]
    public ulong ValueTwo { get; init; }

    /// <summary>Gets the comparison (<c>SCMP_CMP_EQ</c>, <c>SCMP_CMP_MASKED_EQ</c>, ...).</summary>
    [JsonPropertyName("op")]
    public required string Op { get; init; }
}

/// <summary>Describes a device node in the container.</summary>
public sealed record RuntimeDevice
{
    /// <summary>
    /// Gets the character devices every container's <c>/dev</c> gets (null, zero, full, random, urandom, tty), as the
    /// runtime specification's default devices: the engine writes them into each <c>config.json</c>, and the runc-compatible
    /// runtime adds those a bundle leaves out.
    /// </summary>
    public static IReadOnlyList<RuntimeDevice> Defaults { get; } =
    [
        new() { Path = "/dev/null", Type = "c", Major = 1, Minor = 3, FileMode = 0x1B6 },
        new() { Path = "/dev/zero", Type = "c", Major = 1, Minor = 5, FileMode = 0x1B6 },
        new() { Path = "/dev/full", Type = "c", Major = 1, Minor = 7, FileMode = 0x1B6 },
        new() { Path = "/dev/random", Type = "c", Major = 1, Minor = 8, FileMode = 0x1B6 },
        new() { Path = "/dev/urandom", Type = "c", Major = 1, Minor = 9, FileMode = 0x1B6 },
        new() { Path = "/dev/tty", Type = "c", Major = 5, Minor = 0, FileMode = 0x1B6 },
    ];

    /// <summary>Gets the path in the container.</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>Gets the type: <c>c</c>, <c>b</c> or <c>p</c>.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    /// <summary>Gets the major number.</summary>
    [JsonPropertyName("major")]
    public long Major { get; init; }

    /// <summary>Gets the minor number.</summary>
    [JsonPropertyName("minor")]
    public long Minor { get; init; }

    /// <summary>Gets the permission bits.</summary>
    [JsonPropertyName("fileMode")]
    public uint? FileMode { get; init; }

    /// <summary>Gets the owner.</summary>
    [JsonPropertyName("uid")]
    public uint? Uid { get; init; }

    /// <summary>Gets the group.</summary>
    [JsonPropertyName("gid")]
    public uint? Gid { get; init; }
}
