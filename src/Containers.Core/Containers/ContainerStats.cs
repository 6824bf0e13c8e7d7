namespace Containers.Containers;

/// <summary>Samples a container's resource use from its cgroup.</summary>
public sealed record ContainerStats
{
    /// <summary>Gets when the sample was taken.</summary>
    public DateTimeOffset Read { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Gets the CPU time used since the container started, in nanoseconds.</summary>
    public ulong CpuUsageNanoseconds { get; init; }

    /// <summary>Gets the memory in use, in bytes (page cache excluded where the kernel reports it).</summary>
    public ulong MemoryUsage { get; init; }

    /// <summary>Gets the memory limit, in bytes; the host's memory when unlimited.</summary>
    public ulong MemoryLimit { get; init; }

    /// <summary>Gets the number of processes.</summary>
    public ulong Pids { get; init; }

    /// <summary>Gets the bytes read from block devices.</summary>
    public ulong BlockRead { get; init; }

    /// <summary>Gets the bytes written to block devices.</summary>
    public ulong BlockWrite { get; init; }
}
