namespace Containers.Volumes;

/// <summary>Says what a container mount is backed by.</summary>
public enum MountType
{
    /// <summary>A named or anonymous volume of the store.</summary>
    Volume,

    /// <summary>A file or directory of the host.</summary>
    Bind,

    /// <summary>A memory-backed file system, empty at start.</summary>
    Tmpfs,
}
