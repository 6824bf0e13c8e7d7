using System.Formats.Tar;
using Containers.Linux.Interop;

namespace Containers.Linux.Storage;

/// <summary>
/// Writes the changes held in an overlay upper directory as an OCI layer tar: added and changed files as they are,
/// overlay whiteouts (0/0 character devices) as <c>.wh.name</c>, opaque directories with <c>.wh..wh..opq</c>.
/// </summary>
internal static class OverlayDiff
{
    public static async Task<int> WriteAsync(string upper, Stream destination, CancellationToken cancellationToken)
    {
        var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        var count = 0;
        await using (writer.ConfigureAwait(false))
        {
            foreach (var path in Walk(upper))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var name = Path.GetRelativePath(upper, path);
                var stat = Libc.StatNoFollow(path) ?? throw new IOException($"{path} vanished while writing the diff");
                if (stat.Type == Libc.S_IFCHR && stat.Device == 0)
                {
                    await WriteMarkerAsync(writer, Path.Combine(Path.GetDirectoryName(name)!, ".wh." + Path.GetFileName(name)), cancellationToken).ConfigureAwait(false);
                    count++;
                    continue;
                }

                var entryName = stat.Type == Libc.S_IFDIR ? name + "/" : name;
                await writer.WriteEntryAsync(path, entryName, cancellationToken).ConfigureAwait(false);
                count++;
                if (stat.Type == Libc.S_IFDIR && IsOpaque(path))
                {
                    await WriteMarkerAsync(writer, Path.Combine(name, ".wh..wh..opq"), cancellationToken).ConfigureAwait(false);
                    count++;
                }
            }
        }

        return count;
    }

    /// <summary>Lists everything under the directory, parents before children, without following links.</summary>
    internal static IEnumerable<string> Walk(string directory)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            yield return entry;
            if (Libc.StatNoFollow(entry) is { Type: Libc.S_IFDIR })
            {
                foreach (var child in Walk(entry))
                {
                    yield return child;
                }
            }
        }
    }

    private static unsafe bool IsOpaque(string directory)
    {
        byte value;
        return Libc.lgetxattr(directory, "trusted.overlay.opaque", &value, 1) == 1 && value == (byte)'y';
    }

    private static Task WriteMarkerAsync(TarWriter writer, string name, CancellationToken cancellationToken) =>
        writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = (UnixFileMode)0x1A4, ModificationTime = DateTimeOffset.UnixEpoch }, cancellationToken);
}
