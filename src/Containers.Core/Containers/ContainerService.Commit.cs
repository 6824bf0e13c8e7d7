using Containers.Archives;
using Containers.Content;
using Containers.Images;
using Containers.Oci;

namespace Containers.Containers;

/// <summary>Committing a container's changes as a new image.</summary>
internal sealed partial class ContainerService
{
    public async Task<ImageDetails> CommitAsync(string nameOrId, CommitOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var name = options.Reference is null ? null : ImageReference.Parse(options.Reference);
        var record = await _store.FindAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        var image = await _images.InspectAsync(record.ImageId.ToString(), cancellationToken).ConfigureAwait(false);
        var content = _content;
        using var collectionLock = await content.AcquireCollectionLockAsync(exclusive: false, cancellationToken).ConfigureAwait(false);

        var writer = await content.BeginWriteAsync(Images.DigestAlgorithm.Sha256, cancellationToken).ConfigureAwait(false);
        BlobInfo layer;
        await using (writer.ConfigureAwait(false))
        {
            await _rootfs.WriteDiffAsync(record.Id, writer.AsStream(), cancellationToken).ConfigureAwait(false);
            layer = await writer.CommitAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var now = DateTimeOffset.UtcNow;
        var baseConfig = image.Configuration;
        var configuration = baseConfig with
        {
            Created = now,
            Author = options.Author ?? baseConfig.Author,
            Config = ConfigureImage(ImportChanges.Apply(baseConfig.Config ?? new ContainerConfiguration(), options.Changes), options),
            RootFs = baseConfig.RootFs with { DiffIds = [.. baseConfig.RootFs.DiffIds, layer.Digest] },
            History = [.. baseConfig.History ?? [], new HistoryEntry { Created = now, CreatedBy = "containers commit " + record.Name, Comment = options.Message, Author = options.Author }],
        };
        var config = await content.WriteAsync(OciSerializer.Serialize(configuration), cancellationToken).ConfigureAwait(false);
        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = config.Digest, Size = config.Size },
            Layers = [.. image.Manifest.Layers, new Descriptor { MediaType = MediaTypes.OciLayer, Digest = layer.Digest, Size = layer.Size }],
        };
        var manifestBlob = await content.WriteAsync(OciSerializer.Serialize(manifest), cancellationToken).ConfigureAwait(false);
        return await _images.AddAsync(new Descriptor { MediaType = MediaTypes.OciManifest, Digest = manifestBlob.Digest, Size = manifestBlob.Size }, name is null ? [] : [name], cancellationToken).ConfigureAwait(false);
    }

    private static ContainerConfiguration ConfigureImage(ContainerConfiguration config, CommitOptions options) =>
        options.ConfigureImage is { } configure ? configure(config) : config;
}
