using System.Net;
using System.Net.Http.Headers;
using Containers.Content;
using Containers.Images;
using Containers.Oci;
using Containers.Registry.Pull;
using Containers.Registry.Push;
using Containers.Registry.Transport;

namespace Containers.Registry.Referrers;

/// <summary>
/// Lists and attaches referrers (signatures, SBOMs, attestations: manifests whose <c>subject</c> names another one) with
/// the referrers API, falling back to the tag schema (an index under the tag <c>sha256-HEX</c>) on registries without it,
/// as distribution-spec 1.1 describes.
/// </summary>
/// <remarks>
/// The fallback index is read, changed and written back without a lock the registry could offer, so two clients
/// attaching to one subject at the same moment may lose one entry, as with every client of the tag schema.
/// </remarks>
internal sealed class ReferrersClient(RegistryTransport transport, ImagePuller puller, ImagePusher pusher, IContentStore content)
{
    private static readonly byte[] EmptyJson = "{}"u8.ToArray();

    /// <summary>Pushes an artifact manifest (empty config, one layer) whose subject is <paramref name="subject"/>.</summary>
    public async Task<Descriptor> AttachAsync(ImageReference subject, string artifactType, ReadOnlyMemory<byte> blob, string blobMediaType, IReadOnlyDictionary<string, string>? annotations, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(artifactType);
        ArgumentException.ThrowIfNullOrWhiteSpace(blobMediaType);
        var host = subject.Registry;
        var repository = subject.Repository;
        var baseUri = await transport.BaseUriAsync(host, cancellationToken).ConfigureAwait(false);
        var (subjectDescriptor, _) = await puller.FetchManifestAsync(host, repository, subject.Digest?.ToString() ?? subject.Tag!, subject.Digest, $"repository:{repository}:pull,push", cancellationToken).ConfigureAwait(false);

        var config = await content.WriteAsync(EmptyJson, cancellationToken).ConfigureAwait(false);
        var layer = await content.WriteAsync(blob, cancellationToken).ConfigureAwait(false);
        var configDescriptor = new Descriptor { MediaType = MediaTypes.OciEmpty, Digest = config.Digest, Size = config.Size };
        var layerDescriptor = new Descriptor { MediaType = blobMediaType, Digest = layer.Digest, Size = layer.Size };
        foreach (var descriptor in new[] { configDescriptor, layerDescriptor })
        {
            await pusher.EnsureBlobAsync(host, repository, baseUri, descriptor, [], null, cancellationToken).ConfigureAwait(false);
        }

        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            ArtifactType = artifactType,
            Config = configDescriptor,
            Layers = [layerDescriptor],
            Subject = new Descriptor { MediaType = subjectDescriptor.MediaType, Digest = subjectDescriptor.Digest, Size = subjectDescriptor.Size },
            Annotations = annotations,
        };
        var bytes = OciSerializer.Serialize(manifest);
        var result = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Compute(bytes), Size = bytes.Length, ArtifactType = artifactType, Annotations = annotations };
        var acknowledged = await pusher.PutManifestAsync(host, repository, baseUri, result.Digest.ToString(), bytes, MediaTypes.OciManifest, cancellationToken).ConfigureAwait(false);
        if (!acknowledged)
        {
            // No OCI-Subject: the registry does not index referrers itself, so the tag schema's index is kept up to date.
            var existing = await ReadFallbackAsync(host, repository, subjectDescriptor.Digest, cancellationToken).ConfigureAwait(false) ?? [];
            if (!existing.Any(d => d.Digest == result.Digest))
            {
                var index = OciSerializer.Serialize(new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = [.. existing, result] });
                await pusher.PutManifestAsync(host, repository, baseUri, FallbackTag(subjectDescriptor.Digest), index, MediaTypes.OciIndex, cancellationToken).ConfigureAwait(false);
            }
        }

        return result;
    }

    /// <summary>Lists the manifests that name <paramref name="subject"/> as their subject, optionally of one artifact type.</summary>
    public async Task<IReadOnlyList<Descriptor>> ListAsync(ImageReference subject, string? artifactType, CancellationToken cancellationToken)
    {
        var host = subject.Registry;
        var repository = subject.Repository;
        var scope = $"repository:{repository}:pull";
        var digest = subject.Digest
            ?? (await puller.FetchManifestAsync(host, repository, subject.Tag!, null, scope, cancellationToken).ConfigureAwait(false)).Descriptor.Digest;
        var baseUri = await transport.BaseUriAsync(host, cancellationToken).ConfigureAwait(false);
        var query = artifactType is null ? string.Empty : "?artifactType=" + Uri.EscapeDataString(artifactType);
        using var response = await transport.SendAsync(host, scope, new Uri(baseUri, $"v2/{repository}/referrers/{digest}{query}"), u => Get(u), cancellationToken).ConfigureAwait(false);
        IReadOnlyList<Descriptor> found;
        var filtered = false;
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            found = await ReadFallbackAsync(host, repository, digest, cancellationToken).ConfigureAwait(false) ?? [];
        }
        else if (response.IsSuccessStatusCode)
        {
            var bytes = await ImagePuller.ReadLimitedAsync(response, ContentLimits.MaxManifestSize, $"the referrers of {subject}", cancellationToken).ConfigureAwait(false);
            found = OciSerializer.ReadIndex(bytes).Manifests;
            filtered = response.Headers.TryGetValues("OCI-Filters-Applied", out var applied) && applied.Any(a => a.Contains("artifactType", StringComparison.Ordinal));
        }
        else
        {
            throw await RegistryErrors.ReadAsync(response, $"listing the referrers of {subject}", cancellationToken).ConfigureAwait(false);
        }

        // A registry that did not filter (or the fallback index) is filtered here.
        return artifactType is null || filtered ? found : found.Where(d => d.ArtifactType == artifactType).ToList();
    }

    /// <summary>Reads the tag schema's index for a subject, or null when there is none.</summary>
    private async Task<IReadOnlyList<Descriptor>?> ReadFallbackAsync(string host, string repository, Digest subject, CancellationToken cancellationToken)
    {
        try
        {
            var (descriptor, bytes) = await puller.FetchManifestAsync(host, repository, FallbackTag(subject), null, $"repository:{repository}:pull", cancellationToken).ConfigureAwait(false);
            if (!MediaTypes.IsIndex(descriptor.MediaType))
            {
                throw new RegistryException($"the tag {FallbackTag(subject)} in {host}/{repository} should hold the referrers index of {subject} but holds a {descriptor.MediaType}");
            }

            return OciSerializer.ReadIndex(bytes, descriptor.Digest).Manifests;
        }
        catch (ManifestUnknownException)
        {
            return null;
        }
    }

    /// <summary>Names the tag schema's tag: <c>ALGORITHM-ENCODED</c>, cut to the 128 characters a tag may have.</summary>
    internal static string FallbackTag(Digest subject)
    {
        var tag = subject.Algorithm.Name + "-" + subject.Encoded;
        return tag.Length > 128 ? tag[..128] : tag;
    }

    private static HttpRequestMessage Get(Uri url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypes.OciIndex));
        return request;
    }
}
