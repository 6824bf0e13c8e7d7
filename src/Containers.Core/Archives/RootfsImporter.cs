using System.Formats.Tar;
using Containers.Content;
using Containers.Images;
using Containers.Internal;
using Containers.Oci;

namespace Containers.Archives;

/// <summary>
/// Makes a single-layer image from a root filesystem tarball, as <c>docker import</c> does, in one pass: the input is
/// stored as the layer blob while its decompressed form is hashed for the diff ID and checked to be a whole tar archive.
/// </summary>
internal static class RootfsImporter
{
    public static async Task<Descriptor> ImportAsync(Stream input, ImportOptions options, Platform platform, IContentStore store, ArchiveMembers added, CancellationToken cancellationToken)
    {
        var (head, stream) = await PrefixedStream.PeekAsync(input, 512, cancellationToken).ConfigureAwait(false);
        if (head.Length == 0)
        {
            throw new InvalidArchiveException("the root filesystem archive is empty");
        }

        var compression = CompressionDetector.Detect(head);
        var layerWriter = await store.BeginWriteAsync(DigestAlgorithm.Sha256, cancellationToken).ConfigureAwait(false);
        BlobInfo layer;
        Digest diffId;
        await using (layerWriter.ConfigureAwait(false))
        {
            using var diffHash = new DigestVerifier();
            var layerSink = layerWriter.AsStream();
            var tee = new ObservingReadStream(stream, layerSink.Write, leaveOpen: true);
            try
            {
                var uncompressed = Decompression.Open(tee, compression, leaveOpen: true);
                await using (uncompressed.ConfigureAwait(false))
                {
                    var hashed = new ObservingReadStream(uncompressed, diffHash.Append, leaveOpen: true);
                    await using (hashed.ConfigureAwait(false))
                    {
                        await CheckTarAsync(hashed, cancellationToken).ConfigureAwait(false);
                        await hashed.DrainAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                await tee.DrainAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ZstdSharp.ZstdException)
            {
                throw new InvalidArchiveException($"the root filesystem archive is truncated or not a valid tar archive: {e.Message}", e);
            }

            diffId = diffHash.GetDigest();
            var existed = await store.GetInfoAsync(layerWriter.ComputeDigest(), cancellationToken).ConfigureAwait(false) is not null;
            layer = await layerWriter.CommitAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!existed)
            {
                added.Added.Add(layer.Digest);
            }
        }

        var now = DateTimeOffset.UtcNow;
        var configuration = new ImageConfiguration
        {
            Created = now,
            Architecture = platform.Architecture,
            OS = platform.OS,
            Variant = platform.Variant,
            Config = ImportChanges.Apply(new Oci.ContainerConfiguration(), options.Changes),
            RootFs = new RootFs { DiffIds = [diffId] },
            History = [new HistoryEntry { Created = now, CreatedBy = "containers import", Comment = options.Message ?? "Imported from -" }],
        };
        var config = await added.WriteBlobAsync(store, OciSerializer.Serialize(configuration), cancellationToken).ConfigureAwait(false);
        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = config.Digest, Size = config.Size },
            Layers = [new Descriptor { MediaType = MediaTypes.OciLayerFor(compression), Digest = layer.Digest, Size = layer.Size }],
        };
        var manifestBlob = await added.WriteBlobAsync(store, OciSerializer.Serialize(manifest), cancellationToken).ConfigureAwait(false);
        return new Descriptor { MediaType = MediaTypes.OciManifest, Digest = manifestBlob.Digest, Size = manifestBlob.Size };
    }

    /// <summary>Reads every entry so a truncated or corrupt archive fails here; refuses names that climb out with <c>..</c>.</summary>
    private static async Task CheckTarAsync(Stream tar, CancellationToken cancellationToken)
    {
        using var reader = new TarReader(tar, leaveOpen: true);
        var count = 0;
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            count++;
            if (entry.Name.Split('/').Contains(".."))
            {
                throw new InvalidArchiveException($"root filesystem entry '{entry.Name}' leaves the root with '..'");
            }

            if (entry.DataStream is { } data)
            {
                await data.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            }
        }

        if (count == 0)
        {
            throw new InvalidArchiveException("the root filesystem archive holds no entries; it is not a tar archive");
        }
    }
}
