namespace Containers.Linux.Hosting;

/// <summary>Configures the Linux runtime.</summary>
public sealed class LinuxRuntimeOptions
{
    /// <summary>
    /// Gets or sets the storage driver: <c>overlay</c> (layers shared by chain ID, a writable overlay per container) or
    /// <c>vfs</c> (a full copy per container, for file systems overlayfs cannot use). The default, <see langword="null"/>,
    /// picks overlay when a test mount works and vfs otherwise.
    /// </summary>
    public string? StorageDriver { get; set; }

    /// <summary>
    /// Gets or sets how many layers of one image the overlay driver unpacks at once, each decompressing on a task of its
    /// own. The default is the number of processors; 1 unpacks one layer after another. The vfs driver is always sequential.
    /// </summary>
    public int MaxConcurrentUnpacks { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Gets or sets a value indicating whether engine start runs a host-wide pass that reclaims the kernel objects of
    /// roots that are gone (see <see cref="Roots.OrphanedRoots"/>). The default is <see langword="true"/>; a host that
    /// creates engines by the hundred may turn it off and call <see cref="Roots.OrphanedRoots.ReclaimAsync"/> itself.
    /// </summary>
    public bool ReclaimOrphanedRoots { get; set; } = true;
}
