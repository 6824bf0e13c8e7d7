using Containers.Content;
using Containers.Images;

namespace Containers.Archives;

/// <summary>
/// Holds what reading an archive produced: its small metadata files in memory, every other file as a blob in the
/// content store, and its links, so members can be found by name without ever touching the file system by that name.
/// </summary>
internal sealed class ArchiveMembers
{
    private const int MaxLinkHops = 16;

    public Dictionary<string, byte[]> Metadata { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, BlobInfo> Blobs { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the links: member name to the member it points at (already made relative to the archive root).</summary>
    public Dictionary<string, string> Links { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the digests this read added to the store (they were not there before), so a failed load can remove them.</summary>
    public List<Digest> Added { get; } = [];

    /// <summary>Stores a small blob (a manifest or configuration the load made), remembering it as added when it is new.</summary>
    public async Task<BlobInfo> WriteBlobAsync(IContentStore store, byte[] bytes, CancellationToken cancellationToken)
    {
        var existed = await store.GetInfoAsync(Digest.Compute(bytes), cancellationToken).ConfigureAwait(false) is not null;
        var info = await store.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        if (!existed)
        {
            Added.Add(info.Digest);
        }

        return info;
    }

    /// <summary>Finds the blob stored for a member named in the archive's metadata, following links.</summary>
    /// <exception cref="InvalidArchiveException">No such member, or its name escapes the archive.</exception>
    public BlobInfo GetBlob(string name, string what)
    {
        var path = ArchivePath.Normalize(name) ?? throw new InvalidArchiveException($"{what} '{name}' is not a valid archive member name");
        for (var hops = 0; hops < MaxLinkHops; hops++)
        {
            if (Blobs.TryGetValue(path, out var blob))
            {
                return blob;
            }

            if (!Links.TryGetValue(path, out path!))
            {
                break;
            }
        }

        throw new InvalidArchiveException($"{what} '{name}' is named in the archive's metadata but is not in the archive");
    }
}
