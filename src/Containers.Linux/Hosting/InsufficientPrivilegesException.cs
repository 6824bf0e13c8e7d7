namespace Containers.Linux.Hosting;

/// <summary>
/// Reports that the process may not create namespaces, mount file systems and change file owners, which the Linux
/// runtime needs; raised when the runtime is added to an engine, before anything is touched.
/// </summary>
public sealed class InsufficientPrivilegesException : ContainersException
{
    /// <summary>Initializes a new instance naming the process's effective user.</summary>
    /// <param name="effectiveUserId">The process's effective user ID.</param>
    public InsufficientPrivilegesException(uint effectiveUserId)
        : base($"The Linux container runtime needs root: this process runs as uid {effectiveUserId} without CAP_SYS_ADMIN. Run it as root (sudo) or in a privileged container; rootless mode does not exist yet.")
    {
        EffectiveUserId = effectiveUserId;
    }

    /// <summary>Gets the process's effective user ID.</summary>
    public uint EffectiveUserId { get; }
}
