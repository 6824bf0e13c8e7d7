using System.Formats.Tar;
using System.Globalization;
using System.Text;
using Containers.Linux.Interop;

namespace Containers.Linux.Storage;

/// <summary>
/// The changes of a vfs container, which has no upper directory to read them from: when its root is unpacked, each
/// path's inode and change time are recorded; the diff is every path that is new or whose record moved (any write,
/// chmod, chown or replacement moves st_ctim), and a <c>.wh.name</c> for the topmost of every path that is gone.
/// </summary>
internal static class VfsDiff
{
    /// <summary>Records the state of every path below <paramref name="rootfs"/> into <paramref name="manifest"/>.</summary>
    public static async Task RecordAsync(string rootfs, string manifest, CancellationToken cancellationToken)
    {
        var temporary = manifest + ".tmp";
        var writer = new StreamWriter(temporary, false, new UTF8Encoding(false));
        await using (writer.ConfigureAwait(false))
        {
            foreach (var path in OverlayDiff.Walk(rootfs))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Libc.ChangeStatus(path) is { } status)
                {
                    // Names may hold anything but NUL, so NUL separates the fields and ends the record.
                    await writer.WriteAsync($"{Path.GetRelativePath(rootfs, path)}\0{Format(status)}\0").ConfigureAwait(false);
                }
            }
        }

        File.Move(temporary, manifest, overwrite: true);
    }

    /// <summary>Writes the container's changes since <see cref="RecordAsync"/> as an OCI layer tar.</summary>
    public static async Task WriteAsync(string rootfs, string manifest, Stream destination, CancellationToken cancellationToken)
    {
        if (!File.Exists(manifest))
        {
            throw new InvalidOperationException($"the vfs root {rootfs} has no record of its unpacked state ({manifest}), so its changes cannot be told: remove the container and create it again");
        }

        var recorded = Read(await File.ReadAllTextAsync(manifest, cancellationToken).ConfigureAwait(false));
        var present = new HashSet<string>(StringComparer.Ordinal);
        var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            foreach (var path in OverlayDiff.Walk(rootfs))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var name = Path.GetRelativePath(rootfs, path);
                present.Add(name);
                if (Libc.ChangeStatus(path) is not { } status || (recorded.TryGetValue(name, out var before) && before == Format(status)))
                {
                    continue;
                }

                var directory = Libc.StatNoFollow(path) is { Type: Libc.S_IFDIR };
                await writer.WriteEntryAsync(path, directory ? name + "/" : name, cancellationToken).ConfigureAwait(false);
            }

            foreach (var name in recorded.Keys.Where(n => !present.Contains(n)).Order(StringComparer.Ordinal))
            {
                var parent = Path.GetDirectoryName(name)!;
                if (parent.Length > 0 && !present.Contains(parent))
                {
                    continue; // its parent's whiteout removes it
                }

                var marker = Path.Combine(parent, ".wh." + Path.GetFileName(name));
                await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, marker) { Mode = (UnixFileMode)0x1A4, ModificationTime = DateTimeOffset.UnixEpoch }, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static string Format((ulong Inode, long Seconds, long Nanoseconds) status) =>
        string.Create(CultureInfo.InvariantCulture, $"{status.Inode}:{status.Seconds}.{status.Nanoseconds}");

    private static Dictionary<string, string> Read(string text)
    {
        var fields = text.Split('\0');
        var recorded = new Dictionary<string, string>(fields.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            recorded[fields[i]] = fields[i + 1];
        }

        return recorded;
    }
}
