namespace Containers.Volumes;

/// <summary>
/// Mounts a volume, a host path or a tmpfs into a container, as one <c>--mount</c>, <c>-v</c> or <c>--tmpfs</c> flag does.
/// Make one directly or with <see cref="MountSpecParser"/>.
/// </summary>
public sealed record ContainerMount
{
    /// <summary>Gets what backs the mount.</summary>
    public required MountType Type { get; init; }

    /// <summary>
    /// Gets the source: a volume name (created on first use; <see langword="null"/> for a new anonymous volume) or an
    /// absolute host path for a bind mount; unused for tmpfs.
    /// </summary>
    public string? Source { get; init; }

    /// <summary>Gets the absolute path in the container.</summary>
    public required string Target { get; init; }

    /// <summary>Gets a value indicating whether the container may only read the mount.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Gets a bind mount's propagation: <c>private</c>, <c>rprivate</c> (the default), <c>shared</c>, <c>rshared</c>, <c>slave</c> or <c>rslave</c>.</summary>
    public string? BindPropagation { get; init; }

    /// <summary>Gets a value indicating whether a missing host path of a bind mount is created as a directory, as <c>-v</c> does (and <c>--mount</c> does not).</summary>
    public bool CreateHostPath { get; init; }

    /// <summary>Gets a value indicating whether an empty volume is left empty instead of receiving the image's content at the target (<c>nocopy</c>).</summary>
    public bool NoCopy { get; init; }

    /// <summary>Gets a tmpfs mount's size limit in bytes; <see langword="null"/> is the kernel's default (half the memory).</summary>
    public long? TmpfsSize { get; init; }

    /// <summary>Gets a tmpfs mount's root directory mode (<c>1777</c> when <see langword="null"/>).</summary>
    public int? TmpfsMode { get; init; }

    /// <summary>Gets a value indicating whether programs on a tmpfs mount may be executed (<c>exec</c>); Docker's default is <c>noexec</c>.</summary>
    public bool TmpfsExec { get; init; }
}
