namespace Containers.Archives.Tar;

/// <summary>Names the kinds of file a layer tar entry can create.</summary>
public enum TarEntryKind
{
    /// <summary>A regular file (type flags <c>0</c>, NUL and <c>7</c>) whose bytes follow the header.</summary>
    RegularFile,

    /// <summary>A hard link to an earlier file, named by <see cref="StrictTarEntry.LinkName"/>.</summary>
    HardLink,

    /// <summary>A symbolic link whose target is <see cref="StrictTarEntry.LinkName"/>.</summary>
    SymbolicLink,

    /// <summary>A character device.</summary>
    CharacterDevice,

    /// <summary>A block device.</summary>
    BlockDevice,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A named pipe.</summary>
    Fifo,
}
