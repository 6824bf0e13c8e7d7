using Containers.Content;
using Containers.Hosting;
using Containers.Images;
using Containers.Internal;
using Containers.Oci;

namespace Containers.Archives;

/// <summary>Adds images to an OCI image layout directory that other tools may also use: blobs are copied atomically and <c>index.json</c> is merged.</summary>
internal static class OciLayoutWriter
{
    public static async Task WriteAsync(string directory, IReadOnlyList<ImageDetails> images, IContentProvider store, CancellationToken cancellationToken)
    {
        var blobs = Path.Combine(directory, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        var marker = Path.Combine(directory, "oci-layout");
        if (!File.Exists(marker))
        {
            await AtomicFile.WriteAllBytesAsync(marker, "{\"imageLayoutVersion\":\"1.0.0\"}"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        }

        foreach (var blob in images.SelectMany(ArchiveWriter.BlobsOf).DistinctBy(b => b.Digest))
        {
            var target = Path.Combine(directory, "blobs", blob.Digest.Algorithm.Name, blob.Digest.Encoded);
            if (File.Exists(target))
            {
                continue;
            }

            var temp = target + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
            var source = await store.OpenReadAsync(blob.Digest, cancellationToken).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
                await using (file.ConfigureAwait(false))
                {
                    await source.CopyToAsync(file, 1 << 20, cancellationToken).ConfigureAwait(false);
                    file.Flush(flushToDisk: true);
                }
            }

            File.Move(temp, target, overwrite: true);
        }

        var indexPath = Path.Combine(directory, "index.json");
        var existing = File.Exists(indexPath)
            ? OciSerializer.ReadIndex(await File.ReadAllBytesAsync(indexPath, cancellationToken).ConfigureAwait(false), maxSize: ContentLimits.MaxMetadataSize).Manifests
            : [];
        var added = ArchiveWriter.IndexEntries(images);
        var names = added.Select(e => e.GetAnnotation(Annotations.RefName)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var merged = existing.Where(e => e.GetAnnotation(Annotations.RefName) is not { } n || !names.Contains(n)).Concat(added).ToList();
        var index = new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = merged };
        await AtomicFile.WriteAllBytesAsync(indexPath, OciSerializer.Serialize(index), cancellationToken).ConfigureAwait(false);
    }
}
