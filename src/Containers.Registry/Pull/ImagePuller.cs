using System.Net;
using System.Net.Http.Headers;
using Containers.Content;
using Containers.Hosting;
using Containers.Images;
using Containers.Oci;
using Containers.Registry.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Registry.Pull;

/// <summary>
/// Pulls an image into the content store: negotiates the manifest with an explicit Accept list, picks the platform from
/// an index, verifies every manifest and blob by digest, downloads blobs in parallel (resuming with Range), and names it.
/// </summary>
internal sealed class ImagePuller(RegistryTransport transport, IContentStore content, IImageService images, StoreLayout layout, Storage.ILayerUnpacker? unpacker = null, ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    private static readonly string[] Accept =
    [
        MediaTypes.OciIndex, MediaTypes.OciManifest, MediaTypes.DockerManifestList, MediaTypes.DockerManifest,
    ];

    public async Task<ImageDetails> PullAsync(ImageReference reference, PullOptions options, Platform enginePlatform, CancellationToken cancellationToken)
    {
        using var collectionLock = await content.AcquireCollectionLockAsync(exclusive: false, cancellationToken).ConfigureAwait(false);
        var platform = options.Platform ?? enginePlatform;
        var hosts = (transport.Options.Mirrors.TryGetValue(reference.Registry, out var mirrors) ? mirrors : []).Append(reference.Registry).ToList();
        RegistryException? last = null;
        RegistryLog.PullStarted(_logger, reference.ToString());
        foreach (var host in hosts)
        {
            try
            {
                return await PullFromAsync(host, reference, platform, options.Progress, cancellationToken).ConfigureAwait(false);
            }
            catch (RegistryException e) when (host != reference.Registry)
            {
                last = e; // a mirror that fails or lacks the image: the next mirror, then the registry itself
                RegistryLog.MirrorFallback(_logger, host, reference.ToString(), e.Message);
            }
        }

        throw last ?? new RegistryException($"no registry to pull {reference} from");
    }

    private async Task<ImageDetails> PullFromAsync(string host, ImageReference reference, Platform platform, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        var scope = $"repository:{reference.Repository}:pull";
        var top = await FetchManifestAsync(host, reference.Repository, reference.Digest?.ToString() ?? reference.Tag!, reference.Digest, scope, cancellationToken).ConfigureAwait(false);
        var (manifestDescriptor, manifestBytes) = top;
        if (MediaTypes.IsIndex(manifestDescriptor.MediaType))
        {
            var index = OciSerializer.ReadIndex(manifestBytes, manifestDescriptor.Digest);
            var chosen = PlatformSelector.Order(index.Manifests, platform).FirstOrDefault(m => MediaTypes.IsManifest(m.MediaType))
                ?? throw new NoMatchingManifestException(platform, index.Manifests.Select(m => m.Platform).OfType<Platform>().ToList());
            (manifestDescriptor, manifestBytes) = await FetchManifestAsync(host, reference.Repository, chosen.Digest.ToString(), chosen.Digest, scope, cancellationToken).ConfigureAwait(false);
        }

        if (!MediaTypes.IsManifest(manifestDescriptor.MediaType))
        {
            throw new UnsupportedMediaTypeException(manifestDescriptor.MediaType, $"an image manifest from {host}");
        }

        var manifest = OciSerializer.ReadManifest(manifestBytes, manifestDescriptor.Digest);
        using var slots = new SemaphoreSlim(Math.Max(1, transport.Options.MaxConcurrentDownloads));
        async Task DownloadAsync(Descriptor blob)
        {
            progress?.Report(new PullProgress(blob.Digest, PullState.Waiting, 0, blob.Size));
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var how = await DownloadBlobAsync(host, reference.Repository, scope, blob, progress, cancellationToken).ConfigureAwait(false);
                if (blob.Digest != manifest.Config.Digest)
                {
                    RegistryLog.LayerPulled(_logger, blob.Digest.ToString(), reference.ToString(), blob.Size, how);
                }
            }
            finally
            {
                slots.Release();
            }
        }

        // The configuration first: its diff IDs let each layer be unpacked as soon as its blob is in, while later ones download.
        await DownloadAsync(manifest.Config).ConfigureAwait(false);
        var unpack = await LayerUnpackPlanAsync(manifest, cancellationToken).ConfigureAwait(false);
        var downloads = manifest.Layers.DistinctBy(b => b.Digest).ToDictionary(b => b.Digest, DownloadAsync);
        var unpacks = manifest.Layers.Select(async (layer, i) =>
        {
            await downloads[layer.Digest].ConfigureAwait(false);
            if (unpack is { } plan)
            {
                await unpacker!.ApplyLayerAsync(layer, plan.DiffIds[i], i == 0 ? null : plan.ChainIds[i - 1], cancellationToken).ConfigureAwait(false);
            }
        }).ToList();
        await Task.WhenAll(downloads.Values.Concat(unpacks)).ConfigureAwait(false);

        await content.WriteAsync(manifestBytes, cancellationToken).ConfigureAwait(false);
        if (top.Descriptor.Digest != manifestDescriptor.Digest)
        {
            await content.WriteAsync(top.Bytes, cancellationToken).ConfigureAwait(false);
        }

        var name = reference.Tag is null ? reference : reference.WithoutDigest();
        var added = await images.AddAsync(top.Descriptor, [name], cancellationToken).ConfigureAwait(false);
        RegistryLog.PullDone(_logger, reference.ToString(), host, top.Descriptor.Digest.ToString(), manifest.Layers.Count);
        return added;
    }

    /// <summary>Reads the diff IDs and chain IDs the storage driver needs to unpack the layers; null when no driver unpacks here.</summary>
    private async Task<(IReadOnlyList<Digest> DiffIds, IReadOnlyList<Digest> ChainIds)?> LayerUnpackPlanAsync(ImageManifest manifest, CancellationToken cancellationToken)
    {
        if (unpacker is null)
        {
            return null;
        }

        var config = OciSerializer.ReadConfiguration(await content.ReadAllBytesAsync(manifest.Config.Digest, ContentLimits.MaxConfigSize, cancellationToken).ConfigureAwait(false), manifest.Config.Digest);
        var diffIds = config.RootFs.DiffIds;
        if (diffIds.Count != manifest.Layers.Count)
        {
            throw new InvalidManifestException("image configuration", manifest.Config.Digest, $"it lists {diffIds.Count} diff IDs for the manifest's {manifest.Layers.Count} layers");
        }

        return (diffIds, Storage.ChainId.Compute(diffIds));
    }

    /// <summary>Fetches a manifest or index, refusing oversized bodies and, for digest references, bytes that do not hash to the digest.</summary>
    internal async Task<(Descriptor Descriptor, byte[] Bytes)> FetchManifestAsync(string host, string repository, string reference, Digest? expected, string scope, CancellationToken cancellationToken)
    {
        var url = new Uri(await transport.BaseUriAsync(host, cancellationToken).ConfigureAwait(false), $"v2/{repository}/manifests/{reference}");
        using var response = await transport.SendAsync(host, scope, url, u =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, u);
            foreach (var type in Accept)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            }

            return request;
        }, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await RegistryErrors.ReadAsync(response, $"manifest {host}/{repository}:{reference}", cancellationToken).ConfigureAwait(false);
        }

        var bytes = await ReadLimitedAsync(response, ContentLimits.MaxManifestSize, $"manifest {repository}:{reference}", cancellationToken).ConfigureAwait(false);

        // The registry's digest header is never trusted: the bytes are hashed here.
        var digest = Digest.Compute(bytes, expected?.Algorithm);
        if (expected is not null && digest != expected)
        {
            throw new DigestMismatchException(expected, digest);
        }

        var contentType = response.Content.Headers.ContentType?.MediaType;
        var mediaType = OciSerializer.DetectMediaType(bytes, digest);
        if (mediaType is MediaTypes.DockerSchema1 or MediaTypes.DockerSchema1Signed || contentType is MediaTypes.DockerSchema1 or MediaTypes.DockerSchema1Signed)
        {
            throw new UnsupportedMediaTypeException(MediaTypes.DockerSchema1, $"{repository}:{reference} (schema 1 is obsolete; push the image again with a current client)");
        }

        return (new Descriptor { MediaType = mediaType, Digest = digest, Size = bytes.Length }, bytes);
    }

    internal static async Task<byte[]> ReadLimitedAsync(HttpResponseMessage response, int limit, string what, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is > 0 and var length && length > limit)
        {
            throw new ContentTooLargeException(what, length, limit);
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new ContentTooLargeException(what, buffer.Length + read, limit);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Downloads one blob into the store, unless it is there. One process downloads a digest at a time (a file lock);
    /// a connection that breaks is resumed with a Range request when the registry allows, else restarted.
    /// </summary>
    /// <returns>How the blob came to be in the store, for the log: downloaded, or already there.</returns>
    private async Task<string> DownloadBlobAsync(string host, string repository, string scope, Descriptor blob, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        if (await content.GetInfoAsync(blob.Digest, cancellationToken).ConfigureAwait(false) is not null)
        {
            progress?.Report(new PullProgress(blob.Digest, PullState.Exists, blob.Size, blob.Size));
            return "already in the store";
        }

        using var held = await FileLock.AcquireAsync(layout.Lock("blob-" + blob.Digest.Encoded), exclusive: true, cancellationToken).ConfigureAwait(false);
        if (await content.GetInfoAsync(blob.Digest, cancellationToken).ConfigureAwait(false) is not null)
        {
            progress?.Report(new PullProgress(blob.Digest, PullState.Exists, blob.Size, blob.Size));
            return "already in the store";
        }

        var url = new Uri(await transport.BaseUriAsync(host, cancellationToken).ConfigureAwait(false), $"v2/{repository}/blobs/{blob.Digest}");
        var writer = await content.BeginWriteAsync(blob.Digest.Algorithm, cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var offset = writer.Length;
                using var response = await transport.SendAsync(host, scope, url, u =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Get, u);
                    if (offset > 0)
                    {
                        request.Headers.Range = new RangeHeaderValue(offset, null);
                    }

                    return request;
                }, cancellationToken).ConfigureAwait(false);

                if (offset > 0 && !(response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From == offset))
                {
                    // The registry ignored the range: start over with a fresh file.
                    await writer.DisposeAsync().ConfigureAwait(false);
                    writer = await content.BeginWriteAsync(blob.Digest.Algorithm, cancellationToken).ConfigureAwait(false);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        continue;
                    }
                }
                else if (!response.IsSuccessStatusCode)
                {
                    throw await RegistryErrors.ReadAsync(response, $"blob {blob.Digest} of {repository}", cancellationToken).ConfigureAwait(false);
                }

                try
                {
                    await CopyBodyAsync(response, writer, blob, progress, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    if (attempt >= transport.Options.MaxRetries)
                    {
                        throw new RegistryUnavailableException($"downloading {blob.Digest} from {host} kept failing: {e.Message}", null, e);
                    }

                    await Task.Delay(transport.Options.RetryDelay * (attempt + 1), cancellationToken).ConfigureAwait(false);
                }
            }

            await writer.CommitAsync(blob.Digest, blob.Size, cancellationToken).ConfigureAwait(false);
            progress?.Report(new PullProgress(blob.Digest, PullState.Complete, blob.Size, blob.Size));
            return "downloaded";
        }
        finally
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Copies the body, stopping at the announced size (a registry that sends more is lying) and when the body stalls.</summary>
    private async Task CopyBodyAsync(HttpResponseMessage response, BlobWriter writer, Descriptor blob, IProgress<PullProgress>? progress, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[256 * 1024];
        while (true)
        {
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stall.CancelAfter(transport.Options.AttemptTimeout);
            var read = await stream.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            if (writer.Length + read > blob.Size)
            {
                throw new DigestMismatchException(blob.Digest, blob.Size, writer.Length + read);
            }

            await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            progress?.Report(new PullProgress(blob.Digest, PullState.Downloading, writer.Length, blob.Size));
        }
    }
}
