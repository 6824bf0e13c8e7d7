using System.Formats.Tar;
using System.Text.Json;
using Containers.Content;
using Containers.Images;
using Containers.Oci;

namespace Containers.Archives;

/// <summary>Writes images to <c>docker save</c> archives and OCI archives, reproducibly (fixed times and owners).</summary>
internal static class ArchiveWriter
{
    private const long UstarMaxSize = (8L << 30) - 1;

    /// <summary>Writes an OCI archive: <c>oci-layout</c>, every blob once, then <c>index.json</c> naming each image.</summary>
    public static async Task WriteOciArchiveAsync(Stream destination, IReadOnlyList<ImageDetails> images, IContentProvider store, CancellationToken cancellationToken)
    {
        var writer = new TarWriter(destination, TarEntryFormat.Ustar, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            await WriteBytesAsync(writer, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            var written = new HashSet<Digest>();
            foreach (var image in images)
            {
                foreach (var blob in BlobsOf(image).Where(b => written.Add(b.Digest)))
                {
                    await WriteBlobAsync(writer, $"blobs/{blob.Digest.Algorithm.Name}/{blob.Digest.Encoded}", store, blob.Digest, cancellationToken).ConfigureAwait(false);
                }
            }

            var index = new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = IndexEntries(images) };
            await WriteBytesAsync(writer, "index.json", OciSerializer.Serialize(index), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes a <c>docker save</c> archive as skopeo and podman do: <c>&lt;config&gt;.json</c>, uncompressed
    /// <c>&lt;diff-id&gt;.tar</c> layers, <c>manifest.json</c> and <c>repositories</c>.
    /// </summary>
    public static async Task WriteDockerArchiveAsync(Stream destination, IReadOnlyList<ImageDetails> images, IContentProvider store, string tempDirectory, CancellationToken cancellationToken)
    {
        var writer = new TarWriter(destination, TarEntryFormat.Ustar, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            var written = new HashSet<string>(StringComparer.Ordinal);
            var manifest = new List<DockerArchiveManifestEntry>();
            var repositories = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
            foreach (var image in images)
            {
                var configName = image.Id.Encoded + ".json";
                if (written.Add(configName))
                {
                    await WriteBlobAsync(writer, configName, store, image.Id, cancellationToken).ConfigureAwait(false);
                }

                var layerNames = new List<string>();
                foreach (var layer in image.Layers)
                {
                    var name = layer.DiffId.Encoded + ".tar";
                    layerNames.Add(name);
                    if (written.Add(name))
                    {
                        await WriteUncompressedLayerAsync(writer, name, store, layer, tempDirectory, cancellationToken).ConfigureAwait(false);
                    }
                }

                var tags = image.Names.Where(n => n.Tag is not null).Select(n => n.WithoutDigest()).ToList();
                manifest.Add(new DockerArchiveManifestEntry { Config = configName, RepoTags = tags.Select(t => t.FamiliarName).ToList(), Layers = layerNames });
                foreach (var tag in tags.Where(_ => image.Layers.Count > 0))
                {
                    var repository = tag.FamiliarName[..^(tag.Tag!.Length + 1)];
                    if (!repositories.TryGetValue(repository, out var byTag))
                    {
                        repositories[repository] = byTag = new Dictionary<string, string>(StringComparer.Ordinal);
                    }

                    byTag[tag.Tag!] = image.Layers[^1].DiffId.Encoded;
                }
            }

            await WriteBytesAsync(writer, "manifest.json", JsonSerializer.SerializeToUtf8Bytes(manifest, OciJsonContext.Writer.ListDockerArchiveManifestEntry), cancellationToken).ConfigureAwait(false);
            await WriteBytesAsync(writer, "repositories", JsonSerializer.SerializeToUtf8Bytes(repositories, OciJsonContext.Writer.DictionaryStringDictionaryStringString), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Lists the blobs an image needs: its manifest, configuration and layers.</summary>
    public static IEnumerable<Descriptor> BlobsOf(ImageDetails image) =>
        image.Manifest.Layers.Prepend(image.Manifest.Config).Prepend(image.ManifestDescriptor);

    /// <summary>Makes one <c>index.json</c> entry per name of each image, and one unnamed entry for an image without names.</summary>
    public static List<Descriptor> IndexEntries(IEnumerable<ImageDetails> images) =>
        images.SelectMany(i => i.Names.Count == 0
                ? [ImageNames.WithName(i.ManifestDescriptor, null)]
                : i.Names.Select(n => ImageNames.WithName(i.ManifestDescriptor, n)))
            .ToList();

    private static async Task WriteUncompressedLayerAsync(TarWriter writer, string name, IContentProvider store, ImageLayer layer, string tempDirectory, CancellationToken cancellationToken)
    {
        var blob = await store.OpenReadAsync(layer.Descriptor.Digest, cancellationToken).ConfigureAwait(false);
        await using (blob.ConfigureAwait(false))
        {
            var compression = CompressionDetector.Detect(blob);
            if (compression == LayerCompression.None)
            {
                await WriteStreamAsync(writer, name, blob, cancellationToken).ConfigureAwait(false);
                return;
            }

            // A tar header needs the size first, so the decompressed layer is staged in the store's scratch space.
            var staged = Path.Combine(tempDirectory, "save-" + Guid.NewGuid().ToString("N"));
            try
            {
                var file = new FileStream(staged, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                await using (file.ConfigureAwait(false))
                {
                    var uncompressed = Decompression.Open(blob, compression, leaveOpen: true);
                    await using (uncompressed.ConfigureAwait(false))
                    {
                        await uncompressed.CopyToAsync(file, 1 << 20, cancellationToken).ConfigureAwait(false);
                    }

                    file.Position = 0;
                    await WriteStreamAsync(writer, name, file, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                File.Delete(staged);
            }
        }
    }

    private static async Task WriteBlobAsync(TarWriter writer, string name, IContentProvider store, Digest digest, CancellationToken cancellationToken)
    {
        var blob = await store.OpenReadAsync(digest, cancellationToken).ConfigureAwait(false);
        await using (blob.ConfigureAwait(false))
        {
            await WriteStreamAsync(writer, name, blob, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task WriteBytesAsync(TarWriter writer, string name, byte[] bytes, CancellationToken cancellationToken) =>
        WriteStreamAsync(writer, name, new MemoryStream(bytes), cancellationToken);

    private static async Task WriteStreamAsync(TarWriter writer, string name, Stream data, CancellationToken cancellationToken)
    {
        TarEntry entry = data.Length > UstarMaxSize
            ? new PaxTarEntry(TarEntryType.RegularFile, name)
            : new UstarTarEntry(TarEntryType.RegularFile, name);
        entry.DataStream = data;
        entry.ModificationTime = DateTimeOffset.UnixEpoch;
        entry.Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
    }
}
