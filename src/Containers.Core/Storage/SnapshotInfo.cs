namespace Containers.Storage;

/// <summary>Describes a snapshot: its key, its parent and its kind.</summary>
/// <param name="Key">The snapshot's key (a chain ID for committed snapshots).</param>
/// <param name="Parent">The committed snapshot it sits on, or <see langword="null"/>.</param>
/// <param name="Kind">Whether it is committed, active or a view.</param>
public sealed record SnapshotInfo(string Key, string? Parent, SnapshotKind Kind);

/// <summary>Names the kinds of snapshot.</summary>
public enum SnapshotKind
{
    /// <summary>A read-only snapshot of a committed one.</summary>
    View,

    /// <summary>A writable snapshot, to be committed or removed.</summary>
    Active,

    /// <summary>A read-only snapshot that others may use as their parent.</summary>
    Committed,
}

/// <summary>Says how much space a snapshot's own content takes.</summary>
/// <param name="Size">Bytes in regular files.</param>
/// <param name="Inodes">Files, directories and links.</param>
public sealed record SnapshotUsage(long Size, long Inodes);
