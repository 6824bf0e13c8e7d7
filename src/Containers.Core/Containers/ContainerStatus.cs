namespace Containers.Containers;

/// <summary>Names the states of a container, as Docker does.</summary>
public enum ContainerStatus
{
    /// <summary>Created, never started (or set up and waiting for start).</summary>
    Created,

    /// <summary>Its process runs.</summary>
    Running,

    /// <summary>Its processes are frozen.</summary>
    Paused,

    /// <summary>Its process is being restarted by its restart policy.</summary>
    Restarting,

    /// <summary>Its process has ended.</summary>
    Exited,

    /// <summary>It could not be cleaned up properly.</summary>
    Dead,
}
