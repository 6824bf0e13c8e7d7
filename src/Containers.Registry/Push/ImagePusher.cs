using System.Net;
using System.Net.Http.Headers;
using Containers.Content;
using Containers.Images;
using Containers.Oci;
using Containers.Registry.Transport;

namespace Containers.Registry.Push;

/// <summary>
/// Pushes an image: blobs the registry lacks (checked with HEAD) are mounted from another repository of the registry
/// when one may hold them, else uploaded, monolithically or in chunks; then the manifest is put under the tag with its
/// media type.
/// </summary>
internal sealed class ImagePusher(RegistryTransport transport, IContentProvider store)
{
    public async Task<Digest> PushAsync(ImageDetails image, ImageReference destination, PushOptions options, CancellationToken cancellationToken)
    {
        var host = destination.Registry;
        var repository = destination.Repository;
        var baseUri = await transport.BaseUriAsync(host, cancellationToken).ConfigureAwait(false);
        var sources = options.MountFrom
            .Concat(image.Names.Where(n => n.Registry.Equals(host, StringComparison.OrdinalIgnoreCase)).Select(n => n.Repository))
            .Where(r => r != repository)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        foreach (var blob in image.Manifest.Layers.Prepend(image.Manifest.Config).DistinctBy(b => b.Digest))
        {
            await EnsureBlobAsync(host, repository, baseUri, blob, sources, options.Progress, cancellationToken).ConfigureAwait(false);
        }

        var manifestBytes = await ReadAllAsync(image.ManifestDescriptor.Digest, cancellationToken).ConfigureAwait(false);
        var tag = destination.Tag ?? destination.Digest?.ToString() ?? ImageReference.DefaultTag;
        await PutManifestAsync(host, repository, baseUri, tag, manifestBytes, image.ManifestDescriptor.MediaType, cancellationToken).ConfigureAwait(false);
        return image.ManifestDescriptor.Digest;
    }

    /// <summary>Makes sure the repository has a blob from the store: there already, mounted from a source, or uploaded.</summary>
    internal async Task EnsureBlobAsync(string host, string repository, Uri baseUri, Descriptor blob, IReadOnlyList<string> sources, IProgress<PushProgress>? progress, CancellationToken cancellationToken)
    {
        var scope = $"repository:{repository}:pull,push";
        if (await ExistsAsync(host, scope, new Uri(baseUri, $"v2/{repository}/blobs/{blob.Digest}"), cancellationToken).ConfigureAwait(false))
        {
            progress?.Report(new PushProgress(blob.Digest, PushState.Exists, blob.Size, blob.Size));
            return;
        }

        var (mounted, session) = await TryMountAsync(host, repository, scope, baseUri, blob, sources, cancellationToken).ConfigureAwait(false);
        if (mounted)
        {
            progress?.Report(new PushProgress(blob.Digest, PushState.Mounted, blob.Size, blob.Size));
            return;
        }

        progress?.Report(new PushProgress(blob.Digest, PushState.Uploading, 0, blob.Size));
        await UploadAsync(host, repository, scope, baseUri, blob, session, progress, cancellationToken).ConfigureAwait(false);
        progress?.Report(new PushProgress(blob.Digest, PushState.Complete, blob.Size, blob.Size));
    }

    /// <summary>Puts a manifest or index under a tag or digest; returns whether the registry acknowledged a <c>subject</c> (<c>OCI-Subject</c>).</summary>
    internal async Task<bool> PutManifestAsync(string host, string repository, Uri baseUri, string reference, byte[] bytes, string mediaType, CancellationToken cancellationToken)
    {
        using var response = await transport.SendAsync(host, $"repository:{repository}:pull,push", new Uri(baseUri, $"v2/{repository}/manifests/{reference}"), u => new HttpRequestMessage(HttpMethod.Put, u)
        {
            Content = new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue(mediaType) } },
        }, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await RegistryErrors.ReadAsync(response, $"putting the manifest {host}/{repository}:{reference}", cancellationToken).ConfigureAwait(false);
        }

        return response.Headers.Contains("OCI-Subject");
    }

    private async Task<bool> ExistsAsync(string host, string scope, Uri url, CancellationToken cancellationToken)
    {
        using var response = await transport.SendAsync(host, scope, url, u => new HttpRequestMessage(HttpMethod.Head, u), cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }

    /// <summary>
    /// Asks the registry to mount the blob from each source repository in turn (<c>POST ?mount=&amp;from=</c>): 201 means
    /// done; 202 means the registry could not and opened an upload session instead, which the upload then uses. A source
    /// we may not read is skipped.
    /// </summary>
    private async Task<(bool Mounted, Uri? Session)> TryMountAsync(string host, string repository, string scope, Uri baseUri, Descriptor blob, IReadOnlyList<string> sources, CancellationToken cancellationToken)
    {
        foreach (var source in sources)
        {
            var url = new Uri(baseUri, $"v2/{repository}/blobs/uploads/?mount={Uri.EscapeDataString(blob.Digest.ToString())}&from={Uri.EscapeDataString(source)}");
            HttpResponseMessage response;
            try
            {
                response = await transport.SendAsync(host, $"{scope} repository:{source}:pull", url, u => new HttpRequestMessage(HttpMethod.Post, u) { Content = new ByteArrayContent([]) }, cancellationToken).ConfigureAwait(false);
            }
            catch (RegistryAuthenticationException)
            {
                continue; // no read access to that repository: upload instead
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    return (true, null);
                }

                if (response.StatusCode == HttpStatusCode.Accepted && response.Headers.Location is not null)
                {
                    return (false, NextLocation(url, response));
                }
            }
        }

        return (false, null);
    }

    /// <summary>Starts an upload session (unless a refused mount opened one), then sends the blob in one PUT, or in PATCH chunks when it is larger than the chunk size.</summary>
    private async Task UploadAsync(string host, string repository, string scope, Uri baseUri, Descriptor blob, Uri? session, IProgress<PushProgress>? progress, CancellationToken cancellationToken)
    {
        var location = session ?? await StartUploadAsync(host, repository, scope, baseUri, cancellationToken).ConfigureAwait(false);
        var chunkSize = transport.Options.ChunkSize;
        if (chunkSize > 0 && blob.Size > chunkSize)
        {
            location = await UploadChunksAsync(host, scope, location, blob, chunkSize, progress, cancellationToken).ConfigureAwait(false);
            await FinishAsync(host, scope, location, blob, body: null, progress: null, cancellationToken).ConfigureAwait(false);
            return;
        }

        await FinishAsync(host, scope, location, blob, blob, progress, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Uri> StartUploadAsync(string host, string repository, string scope, Uri baseUri, CancellationToken cancellationToken)
    {
        var url = new Uri(baseUri, $"v2/{repository}/blobs/uploads/");
        using var response = await transport.SendAsync(host, scope, url, u => new HttpRequestMessage(HttpMethod.Post, u) { Content = new ByteArrayContent([]) }, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw await RegistryErrors.ReadAsync(response, $"starting an upload to {repository}", cancellationToken).ConfigureAwait(false);
        }

        return NextLocation(url, response);
    }

    /// <summary>Sends the blob in chunks with Content-Range; after a 416 the registry's Range tells where to continue.</summary>
    private async Task<Uri> UploadChunksAsync(string host, string scope, Uri location, Descriptor blob, long chunkSize, IProgress<PushProgress>? progress, CancellationToken cancellationToken)
    {
        long offset = 0;
        while (offset < blob.Size)
        {
            var length = Math.Min(chunkSize, blob.Size - offset);
            var start = offset;
            using var response = await transport.SendAsync(host, scope, location, u =>
            {
                var request = new HttpRequestMessage(HttpMethod.Patch, u) { Content = new BlobRangeContent(store, blob.Digest, start, length) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{start}-{start + length - 1}");
                return request;
            }, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                offset = await RecoverOffsetAsync(host, scope, location, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw await RegistryErrors.ReadAsync(response, $"uploading a chunk of {blob.Digest}", cancellationToken).ConfigureAwait(false);
            }

            location = NextLocation(location, response);
            offset = start + length;
            progress?.Report(new PushProgress(blob.Digest, PushState.Uploading, offset, blob.Size));
        }

        return location;
    }

    private async Task<long> RecoverOffsetAsync(string host, string scope, Uri location, CancellationToken cancellationToken)
    {
        using var status = await transport.SendAsync(host, scope, location, u => new HttpRequestMessage(HttpMethod.Get, u), cancellationToken).ConfigureAwait(false);
        var range = status.Headers.TryGetValues("Range", out var values) ? values.First() : "0-0";
        var end = long.Parse(range.Split('-')[^1], System.Globalization.CultureInfo.InvariantCulture);
        return end + 1;
    }

    private async Task FinishAsync(string host, string scope, Uri location, Descriptor blob, Descriptor? body, IProgress<PushProgress>? progress, CancellationToken cancellationToken)
    {
        var url = new UriBuilder(location) { Query = (location.Query.Length > 1 ? location.Query[1..] + "&" : string.Empty) + "digest=" + Uri.EscapeDataString(blob.Digest.ToString()) }.Uri;
        using var response = await transport.SendAsync(host, scope, url, u => new HttpRequestMessage(HttpMethod.Put, u)
        {
            Content = body is null ? new ByteArrayContent([]) : new BlobRangeContent(store, blob.Digest, 0, blob.Size, progress is null ? null : bytes => progress.Report(new PushProgress(blob.Digest, PushState.Uploading, bytes, blob.Size))),
        }, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw await RegistryErrors.ReadAsync(response, $"finishing the upload of {blob.Digest}", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Resolves the upload Location, which may be relative to the request, as the spec allows.</summary>
    private static Uri NextLocation(Uri current, HttpResponseMessage response) =>
        response.Headers.Location is { } location ? (location.IsAbsoluteUri ? location : new Uri(current, location))
            : throw new RegistryException("the registry answered an upload without a Location");

    private async Task<byte[]> ReadAllAsync(Digest digest, CancellationToken cancellationToken)
    {
        var stream = await store.OpenReadAsync(digest, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
    }
}
