using Containers.Oci.Runtime;

namespace Containers.Containers;

/// <summary>
/// Runs containers from OCI runtime specifications: creates the isolated process (stopped before it runs the
/// container's program), and acts on it through its process ID and its sandbox.
/// </summary>
/// <remarks>
/// The Linux package implements this; the container service holds the policy and the state. A container's sandbox is
/// named by its spec's <see cref="RuntimeLinux.CgroupsPath"/> (the OCI runtime spec is the contract, as for runc), and
/// the methods that take a <c>cgroupsPath</c> take that name; what it stands for (a cgroup on Linux) is the runtime's concern.
/// </remarks>
public interface IContainerRuntime
{
    /// <summary>
    /// Creates the container's process: namespaces, root filesystem, mounts, security settings and cgroup, stopped just
    /// before it executes the program. <see cref="IRuntimeProcess.StartAsync"/> lets it run.
    /// </summary>
    /// <exception cref="ContainerStartException">A setup step failed; nothing is left running.</exception>
    /// <exception cref="ContainerCommandException">The program is not in the container or not executable.</exception>
    Task<IRuntimeProcess> CreateAsync(string containerId, RuntimeSpec spec, bool openStdin, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a detached container: its parent is a small monitor process that copies its output into
    /// <see cref="DetachedOutput.LogPath"/> and records its exit code in <see cref="DetachedOutput.ExitPath"/>, so the
    /// container outlives the caller. Standard input is <c>/dev/null</c>. <see cref="IDetachedRuntimeProcess.StartAsync"/> lets it run.
    /// </summary>
    /// <exception cref="ContainerStartException">A setup step failed; nothing is left running.</exception>
    /// <exception cref="ContainerCommandException">The program is not in the container or not executable.</exception>
    Task<IDetachedRuntimeProcess> CreateDetachedAsync(string containerId, RuntimeSpec spec, DetachedOutput output, CancellationToken cancellationToken = default);

    /// <summary>Gets an identifier of the host's current boot, which changes when it reboots; null when the platform has none.</summary>
    string? BootId => null;

    /// <summary>
    /// Runs <paramref name="request"/>'s process inside a running container: in its namespaces and cgroup, with the
    /// identity, capabilities and seccomp filter the process specifies. The returned process is started.
    /// </summary>
    /// <exception cref="ContainerStartException">Joining the container failed (it stopped, for example).</exception>
    /// <exception cref="ContainerCommandException">The program is not in the container or not executable.</exception>
    Task<IRuntimeProcess> ExecAsync(ExecRequest request, CancellationToken cancellationToken = default);

    /// <summary>Sends a signal to a process if it is still the one that started at <paramref name="startTime"/>; returns false when it is gone.</summary>
    bool Signal(int pid, ulong startTime, int signal);

    /// <summary>Tells whether the process that started at <paramref name="startTime"/> still runs.</summary>
    bool IsAlive(int pid, ulong startTime);

    /// <summary>Freezes every process of the container's cgroup.</summary>
    Task PauseAsync(string cgroupsPath, CancellationToken cancellationToken = default);

    /// <summary>Thaws the container's cgroup.</summary>
    Task ResumeAsync(string cgroupsPath, CancellationToken cancellationToken = default);

    /// <summary>Reads the container's resource usage from its cgroup.</summary>
    Task<ContainerStats> GetStatsAsync(string cgroupsPath, CancellationToken cancellationToken = default);

    /// <summary>Lists the container's processes.</summary>
    Task<IReadOnlyList<ContainerProcess>> GetProcessesAsync(string cgroupsPath, CancellationToken cancellationToken = default);

    /// <summary>Tells whether the kernel's OOM killer killed a process of the container.</summary>
    Task<bool> WasOomKilledAsync(string cgroupsPath, CancellationToken cancellationToken = default);

    /// <summary>Removes the container's cgroup once its processes are gone.</summary>
    Task DeleteAsync(string cgroupsPath, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the sandboxes that exist in <paramref name="scope"/>, named as the specs that created them name them, so
    /// a store can reclaim those of containers it no longer knows.
    /// </summary>
    /// <remarks>
    /// A sandbox is what the runtime keeps for a container beyond its processes, and a scope groups the sandboxes of one
    /// store. On Linux they are the container's cgroup (<see cref="RuntimeLinux.CgroupsPath"/>) and the
    /// store's parent cgroup; another runtime may hold nothing and return an empty list.
    /// </remarks>
    IReadOnlyList<string> ListSandboxes(string scope);

    /// <summary>
    /// Removes <paramref name="scope"/> if no sandbox is left in it; leaves it when another container's sandbox is
    /// there, or is being created there by another process.
    /// </summary>
    void RemoveScopeIfEmpty(string scope);
}
