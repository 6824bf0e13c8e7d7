using System.Text;
using Containers.Linux.Interop;
using Containers.Linux.Syscalls;

namespace Containers.Linux.Tests.Syscalls;

/// <summary>A call that changed a file's metadata, as <see cref="RecordingFileMetadataSyscalls"/> records it.</summary>
internal abstract record FileMetadataCall(string Path);

internal sealed record MakeNodeCall(string Path, int Mode, ulong Device) : FileMetadataCall(Path);

internal sealed record ChangeOwnerCall(string Path, int Uid, int Gid) : FileMetadataCall(Path);

internal sealed record ChangeModeCall(string Path, int Mode) : FileMetadataCall(Path);

internal sealed record SetTimeCall(string Path, long Seconds, long Nanoseconds) : FileMetadataCall(Path);

internal sealed record SetAttributeCall(string Path, string Name, string Value) : FileMetadataCall(Path);

/// <summary>
/// A fake <see cref="IFileMetadataSyscalls"/> for tests without root: reads answer from what the test declares (the
/// status and extended attributes of a path), else from the file's real type and mode as root's; writes are recorded in
/// order and change nothing; a call on a path can be made to fail with an errno.
/// </summary>
internal sealed class RecordingFileMetadataSyscalls : IFileMetadataSyscalls
{
    private readonly Dictionary<(string Call, string Path), int> _failures = [];

    /// <summary>Gets the statuses to report, by path, instead of the file's own.</summary>
    public Dictionary<string, Libc.FileStatus> Statuses { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the extended attributes to report, by path (none where a path is not listed).</summary>
    public Dictionary<string, Dictionary<string, string>> Attributes { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the metadata changes asked for, in order.</summary>
    public List<FileMetadataCall> Calls { get; } = [];

    /// <summary>Makes every <paramref name="call"/> (a member name of the interface) on <paramref name="path"/> fail with <paramref name="errno"/>.</summary>
    public void Fail(string call, string path, int errno) => _failures[(call, path)] = errno;

    /// <summary>Returns the calls on one path, in order.</summary>
    public IEnumerable<FileMetadataCall> On(string path) => Calls.Where(c => c.Path == path);

    public int LinkStatus(string path, out Libc.FileStatus status)
    {
        status = default;
        if (Failure(nameof(LinkStatus), path) is { } errno)
        {
            return errno;
        }

        if (Statuses.TryGetValue(path, out status))
        {
            return 0;
        }

        var file = new FileInfo(path);
        var (type, permissions) = file.LinkTarget is not null ? (Libc.S_IFLNK, 0x1FF)
            : Directory.Exists(path) ? (Libc.S_IFDIR, (int)File.GetUnixFileMode(path))
            : file.Exists ? (Libc.S_IFREG, (int)File.GetUnixFileMode(path))
            : (0, 0);
        status = new Libc.FileStatus(type | permissions, 0, 0, 0, 0, 0);
        return type == 0 ? Errno.ENOENT : 0;
    }

    public int MakeNode(string path, int mode, ulong device) => Record(nameof(MakeNode), new MakeNodeCall(path, mode, device));

    public int ChangeOwner(string path, int uid, int gid) => Record(nameof(ChangeOwner), new ChangeOwnerCall(path, uid, gid));

    public int ChangeMode(string path, int mode) => Record(nameof(ChangeMode), new ChangeModeCall(path, mode));

    public int SetModificationTime(string path, long seconds, long nanoseconds) =>
        Record(nameof(SetModificationTime), new SetTimeCall(path, seconds, nanoseconds));

    public IReadOnlyList<string> ListExtendedAttributes(string path) =>
        Attributes.TryGetValue(path, out var attributes) ? [.. attributes.Keys] : [];

    public byte[]? GetExtendedAttribute(string path, string name) =>
        Attributes.TryGetValue(path, out var attributes) && attributes.TryGetValue(name, out var value) ? Encoding.UTF8.GetBytes(value) : null;

    public int SetExtendedAttribute(string path, string name, byte[] value) =>
        Record(nameof(SetExtendedAttribute), new SetAttributeCall(path, name, Encoding.UTF8.GetString(value)));

    private int Record(string call, FileMetadataCall recorded)
    {
        Calls.Add(recorded);
        return Failure(call, recorded.Path) ?? 0;
    }

    private int? Failure(string call, string path) => _failures.TryGetValue((call, path), out var errno) ? errno : null;
}
