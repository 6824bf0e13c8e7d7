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
}
