using System.Net;
using System.Net.Http.Headers;
using Containers.Content;
using Containers.Images;
using Containers.Oci;
using Containers.Registry.Transport;

namespace Containers.Registry.Push;

/// <summary>
/// Pushes an image: blobs the registry lacks (checked with HEAD) are uploaded, monolithically or in chunks, then the
/// manifest is put under the tag with its media type.
/// </summary>
internal sealed class ImagePusher(RegistryTransport transport, IContentProvider store)
{
    public async Task<Digest> PushAsync(ImageDetails image, ImageReference destination, CancellationToken cancellationToken)
    {
        var host = destination.Registry;
        var repository = destination.Repository;
        var scope = $"repository:{repository}:pull,push";
        var baseUri = await transport.BaseUriAsync(host, cancellationToken).ConfigureAwait(false);
        foreach (var blob in image.Manifest.Layers.Prepend(image.Manifest.Config).DistinctBy(b => b.Digest))
        {
            if (!await ExistsAsync(host, scope, new Uri(baseUri, $"v2/{repository}/blobs/{blob.Digest}"), cancellationToken).ConfigureAwait(false))
            {
                await UploadAsync(host, repository, scope, baseUri, blob, cancellationToken).ConfigureAwait(false);
            }
        }

        var manifestBytes = await ReadAllAsync(image.ManifestDescriptor.Digest, cancellationToken).ConfigureAwait(false);
        var tag = destination.Tag ?? destination.Digest?.ToString() ?? ImageReference.DefaultTag;
        using var response = await transport.SendAsync(host, scope, new Uri(baseUri, $"v2/{repository}/manifests/{tag}"), u => new HttpRequestMessage(HttpMethod.Put, u)
        {
            Content = new ByteArrayContent(manifestBytes) { Headers = { ContentType = new MediaTypeHeaderValue(image.ManifestDescriptor.MediaType) } },
        }, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await RegistryErrors.ReadAsync(response, $"putting the manifest {destination}", cancellationToken).ConfigureAwait(false);
        }

        return image.ManifestDescriptor.Digest;
    }

    private async Task<bool> ExistsAsync(string host, string scope, Uri url, CancellationToken cancellationToken)
    {
        using var response = await transport.SendAsync(host, scope, url, u => new HttpRequestMessage(HttpMethod.Head, u), cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }

    /// <summary>Starts an upload session, then sends the blob in one PUT, or in PATCH chunks when it is larger than the chunk size.</summary>
    private async Task UploadAsync(string host, string repository, string scope, Uri baseUri, Descriptor blob, CancellationToken cancellationToken)
    {
        var location = await StartUploadAsync(host, repository, scope, baseUri, cancellationToken).ConfigureAwait(false);
        var chunkSize = transport.Options.ChunkSize;
        if (chunkSize > 0 && blob.Size > chunkSize)
        {
            location = await UploadChunksAsync(host, scope, location, blob, chunkSize, cancellationToken).ConfigureAwait(false);
            await FinishAsync(host, scope, location, blob, body: null, cancellationToken).ConfigureAwait(false);
            return;
        }

        await FinishAsync(host, scope, location, blob, blob, cancellationToken).ConfigureAwait(false);
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
    private async Task<Uri> UploadChunksAsync(string host, string scope, Uri location, Descriptor blob, long chunkSize, CancellationToken cancellationToken)
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

    private async Task FinishAsync(string host, string scope, Uri location, Descriptor blob, Descriptor? body, CancellationToken cancellationToken)
    {
        var url = new UriBuilder(location) { Query = (location.Query.Length > 1 ? location.Query[1..] + "&" : string.Empty) + "digest=" + Uri.EscapeDataString(blob.Digest.ToString()) }.Uri;
        using var response = await transport.SendAsync(host, scope, url, u => new HttpRequestMessage(HttpMethod.Put, u)
        {
            Content = body is null ? new ByteArrayContent([]) : new BlobRangeContent(store, blob.Digest, 0, blob.Size),
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
