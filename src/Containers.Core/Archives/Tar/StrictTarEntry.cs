namespace Containers.Archives.Tar;

/// <summary>Describes one file of a tar archive as <see cref="StrictTarReader"/> resolved it from its headers.</summary>
/// <remarks>
/// <see cref="Data"/> is valid only until the next call to <see cref="StrictTarReader.GetNextEntryAsync"/>; bytes
/// not read by then are skipped.
/// </remarks>
public sealed class StrictTarEntry
{
    internal StrictTarEntry(string name, TarEntryKind kind)
    {
        Name = name;
        Kind = kind;
    }

    /// <summary>Gets the entry's path as written in the archive (valid UTF-8, no NUL).</summary>
    public string Name { get; }

    /// <summary>Gets the kind of file.</summary>
    public TarEntryKind Kind { get; }

    /// <summary>Gets the target of a hard or symbolic link; empty for other kinds.</summary>
    public string LinkName { get; internal init; } = string.Empty;

    /// <summary>Gets the permission bits, including setuid, setgid and sticky (at most <c>07777</c>).</summary>
    public int Mode { get; internal init; }

    /// <summary>Gets the owner's user ID.</summary>
    public int Uid { get; internal init; }

    /// <summary>Gets the owner's group ID.</summary>
    public int Gid { get; internal init; }

    /// <summary>Gets the modification time in whole seconds since the Unix epoch.</summary>
    public long ModificationSeconds { get; internal init; }

    /// <summary>Gets the nanoseconds part of the modification time (0 to 999,999,999).</summary>
    public int ModificationNanoseconds { get; internal init; }

    /// <summary>Gets the device major number of a character or block device.</summary>
    public int DeviceMajor { get; internal init; }

    /// <summary>Gets the device minor number of a character or block device.</summary>
    public int DeviceMinor { get; internal init; }

    /// <summary>Gets the size in bytes of a regular file's data; 0 for other kinds.</summary>
    public long Size { get; internal init; }

    /// <summary>Gets the extended attributes from <c>SCHILY.xattr.*</c> PAX records, values byte for byte.</summary>
    public IReadOnlyDictionary<string, byte[]> ExtendedAttributes { get; internal init; } = EmptyAttributes;

    /// <summary>Gets the file's bytes; empty for every kind but <see cref="TarEntryKind.RegularFile"/>.</summary>
    public Stream Data { get; internal set; } = Stream.Null;

    private static readonly Dictionary<string, byte[]> EmptyAttributes = new(StringComparer.Ordinal);
}
