using System.Formats.Tar;
using Containers.Content;
using Containers.Images;
using Containers.Oci;

namespace Containers.Archives;

/// <summary>
/// Reads an image archive (optionally gzip or zstd compressed) in one pass: metadata files into memory, every
/// other file straight into the content store as a verified blob.
/// </summary>
internal static class ArchiveReader
{
    private static readonly HashSet<string> MetadataNames = new(StringComparer.Ordinal) { "manifest.json", "index.json", "oci-layout", "repositories" };

    /// <summary>Reads the archive; on any failure removes the blobs it added and throws.</summary>
    /// <exception cref="InvalidArchiveException">The archive is not a tar, is truncated, or has members that escape it.</exception>
    public static async Task<ArchiveMembers> ReadAsync(Stream archive, IContentStore store, CancellationToken cancellationToken)
    {
        var members = new ArchiveMembers();
        try
        {
            var (head, stream) = await PrefixedStream.PeekAsync(archive, 512, cancellationToken).ConfigureAwait(false);
            if (head.Length == 0)
            {
                throw new InvalidArchiveException("the archive is empty");
            }

            var tar = Decompression.Open(stream, CompressionDetector.Detect(head));
            await using (tar.ConfigureAwait(false))
            {
                await ReadEntriesAsync(tar, store, members, cancellationToken).ConfigureAwait(false);
            }

            return members;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException or ZstdSharp.ZstdException)
        {
            await RemoveAddedAsync(store, members).ConfigureAwait(false);
            throw new InvalidArchiveException($"the archive is truncated or not a valid tar archive: {e.Message}", e);
        }
        catch
        {
            await RemoveAddedAsync(store, members).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Deletes the blobs a failed load added, leaving the store as it was.</summary>
    public static async Task RemoveAddedAsync(IContentStore store, ArchiveMembers members)
    {
        foreach (var digest in members.Added)
        {
            await store.DeleteAsync(digest).ConfigureAwait(false);
        }

        members.Added.Clear();
    }

    private static async Task ReadEntriesAsync(Stream tar, IContentStore store, ArchiveMembers members, CancellationToken cancellationToken)
    {
        using var reader = new TarReader(tar, leaveOpen: true);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            count++;
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes || (entry.EntryType is TarEntryType.Directory && ArchivePath.IsRoot(entry.Name)))
            {
                continue;
            }

            var name = ArchivePath.Normalize(entry.Name)
                ?? throw new InvalidArchiveException($"archive member '{entry.Name}' has an absolute name or one that leaves the archive");
            if (entry.EntryType is TarEntryType.Directory)
            {
                continue;
            }

            if (!seen.Add(name))
            {
                throw new InvalidArchiveException($"archive member '{name}' appears twice");
            }

            switch (entry.EntryType)
            {
                case TarEntryType.SymbolicLink:
                    members.Links[name] = ArchivePath.ResolveLink(name, entry.LinkName)
                        ?? throw new InvalidArchiveException($"archive link '{name}' points outside the archive ('{entry.LinkName}')");
                    break;
                case TarEntryType.HardLink:
                    members.Links[name] = ArchivePath.Normalize(entry.LinkName)
                        ?? throw new InvalidArchiveException($"archive link '{name}' points outside the archive ('{entry.LinkName}')");
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    await ReadFileAsync(name, entry, store, members, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    break; // devices and FIFOs have no place in an image archive; they carry no data to keep
            }
        }

        if (count == 0)
        {
            throw new InvalidArchiveException("the archive holds no entries; it is not a tar archive");
        }
    }

    private static async Task ReadFileAsync(string name, TarEntry entry, IContentStore store, ArchiveMembers members, CancellationToken cancellationToken)
    {
        var data = entry.DataStream ?? Stream.Null;
        if (MetadataNames.Contains(name))
        {
            if (entry.Length > ContentLimits.MaxMetadataSize)
            {
                throw new ContentTooLargeException($"archive member '{name}'", entry.Length, ContentLimits.MaxMetadataSize);
            }

            var bytes = new byte[entry.Length];
            await data.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            members.Metadata[name] = bytes;
            return;
        }

        if (name.EndsWith("/json", StringComparison.Ordinal) || name.EndsWith("/VERSION", StringComparison.Ordinal))
        {
            return; // legacy per-layer metadata of old docker save archives; nothing reads it
        }

        Digest? expected = null;
        if (name.StartsWith("blobs/", StringComparison.Ordinal))
        {
            var parts = name.Split('/');
            if (parts.Length != 3 || !Digest.TryParse(parts[1] + ":" + parts[2], out expected))
            {
                throw new InvalidArchiveException($"archive member '{name}' is under blobs/ but is not named by a valid digest");
            }
        }

        var writer = await store.BeginWriteAsync(expected?.Algorithm, cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            await writer.CopyFromAsync(data, cancellationToken).ConfigureAwait(false);
            if (writer.Length != entry.Length)
            {
                throw new InvalidArchiveException($"archive member '{name}' is truncated");
            }

            var digest = writer.ComputeDigest();
            var existed = await store.GetInfoAsync(digest, cancellationToken).ConfigureAwait(false) is not null;
            var info = await writer.CommitAsync(expected, entry.Length, cancellationToken).ConfigureAwait(false);
            if (!existed)
            {
                members.Added.Add(digest);
            }

            members.Blobs[name] = info;
        }
    }
}
