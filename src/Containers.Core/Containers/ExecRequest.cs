using Containers.Oci.Runtime;

namespace Containers.Containers;

/// <summary>What the runtime needs to run a process inside a running container.</summary>
public sealed record ExecRequest
{
    /// <summary>Gets the container's main process ID on the host, whose namespaces the new process joins.</summary>
    public required int ContainerPid { get; init; }

    /// <summary>Gets the main process's start time, to refuse a process that merely reuses its ID.</summary>
    public required ulong ContainerStartTime { get; init; }

    /// <summary>Gets the container's runtime specification (root, namespaces, cgroup, seccomp).</summary>
    public required RuntimeSpec ContainerSpec { get; init; }

    /// <summary>Gets the process to run: arguments, environment, user, working directory, capabilities.</summary>
    public required RuntimeProcess Process { get; init; }

    /// <summary>Gets a value indicating whether the caller writes the process's standard input.</summary>
    public bool OpenStdin { get; init; }

    /// <summary>Gets a value indicating whether the process outlives the caller, its output discarded (<c>exec -d</c>).</summary>
    public bool Detached { get; init; }
}
