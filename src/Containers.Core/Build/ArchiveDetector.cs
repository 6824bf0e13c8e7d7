using System.IO.Compression;
using System.Text;
using Containers.Archives;
using Containers.Archives.Tar;

namespace Containers.Build;

/// <summary>
/// Recognises the local archives ADD unpacks (tar, or tar compressed with gzip, bzip2, xz or zstd, as Docker's builder
/// does) and writes their entries into a layer. bzip2 and xz come from SharpCompress: the base library has neither, and
/// a build must not depend on the host's tools.
/// </summary>
internal static class ArchiveDetector
{
    public static async Task<bool> IsArchiveAsync(string path, CancellationToken cancellationToken)
    {
        var stream = Open(path, out var compressed);
        await using (stream.ConfigureAwait(false))
        {
            var header = new byte[512];
            var read = 0;
            try
            {
                while (read < header.Length && await stream.ReadAsync(header.AsMemory(read), cancellationToken).ConfigureAwait(false) is > 0 and var n)
                {
                    read += n;
                }
            }
            catch (Exception e) when (compressed && e is not OperationCanceledException)
            {
                return false; // compressed, but not a stream we can read: copied as it is
            }

            return read == header.Length && Encoding.ASCII.GetString(header, 257, 5) == "ustar";
        }
    }

    private static Stream Open(string path, out bool compressed)
    {
        var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[6];
        var count = file.Read(magic);
        file.Position = 0;
        if (count >= 2 && magic[0] == 0x1F && magic[1] == 0x8B)
        {
            compressed = true;
            return new GZipStream(file, CompressionMode.Decompress);
        }

        if (count >= 3 && magic[0] == (byte)'B' && magic[1] == (byte)'Z' && magic[2] == (byte)'h')
        {
            compressed = true;
            return SharpCompress.Compressors.BZip2.BZip2Stream.Create(file, SharpCompress.Compressors.CompressionMode.Decompress, decompressConcatenated: true);
        }

        if (count == 6 && magic[0] == 0xFD && magic[1] == (byte)'7' && magic[2] == (byte)'z' && magic[3] == (byte)'X' && magic[4] == (byte)'Z' && magic[5] == 0)
        {
            compressed = true;
            return new SharpCompress.Compressors.Xz.XZStream(file);
        }

        if (count >= 4 && magic[0] == 0x28 && magic[1] == 0xB5 && magic[2] == 0x2F && magic[3] == 0xFD)
        {
            compressed = true;
            return new ZstdSharp.DecompressionStream(file);
        }

        compressed = false;
        return file;
    }

    /// <summary>Writes the archive's entries below <paramref name="directory"/>, with their owners unless <paramref name="owner"/> overrides them.</summary>
    public static async Task ExtractAsync(string path, string directory, (int Uid, int Gid)? owner, LayerWriter layer, CancellationToken cancellationToken)
    {
        var stream = Open(path, out _);
        await using (stream.ConfigureAwait(false))
        {
            var reader = new StrictTarReader(stream);
            while (await reader.GetNextEntryAsync(cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (ArchivePath.Normalize(entry.Name.TrimEnd('/')) is not { } name)
                {
                    continue; // '.', or a name that would leave the destination
                }

                var target = directory.Length == 0 ? name : directory + "/" + name;
                var (uid, gid) = owner ?? (entry.Uid, entry.Gid);
                var modified = DateTimeOffset.FromUnixTimeSeconds(entry.ModificationSeconds);
                switch (entry.Kind)
                {
                    case TarEntryKind.Directory:
                        await layer.DirectoryAsync(target, entry.Mode, uid, gid, modified, cancellationToken).ConfigureAwait(false);
                        break;
                    case TarEntryKind.RegularFile:
                        // The tar writer needs the size up front, so the data goes through a seekable scratch file.
                        var scratch = new FileStream(Path.Combine(Path.GetTempPath(), "containers-add-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
                        await using (scratch.ConfigureAwait(false))
                        {
                            await entry.Data.CopyToAsync(scratch, cancellationToken).ConfigureAwait(false);
                            scratch.Position = 0;
                            await layer.FileAsync(target, scratch, entry.Mode, uid, gid, modified, cancellationToken).ConfigureAwait(false);
                        }

                        break;
                    case TarEntryKind.SymbolicLink:
                        await layer.SymbolicLinkAsync(target, entry.LinkName, uid, gid, modified, cancellationToken).ConfigureAwait(false);
                        break;
                    case TarEntryKind.HardLink when ArchivePath.Normalize(entry.LinkName) is { } link:
                        await layer.HardLinkAsync(target, directory.Length == 0 ? link : directory + "/" + link, uid, gid, modified, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        break; // devices need privileges the layer's consumer may lack; Docker's builder skips them too in rootless mode
                }
            }
        }
    }
}
