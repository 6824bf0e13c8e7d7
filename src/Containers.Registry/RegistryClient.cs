using System.Net;
using System.Text.Json.Nodes;
using Containers.Content;
using Containers.Hosting;
using Containers.Images;
using Containers.Registry.Auth;
using Containers.Registry.Pull;
using Containers.Registry.Push;
using Containers.Registry.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Containers.Registry;

/// <summary>The engine's <see cref="IRegistryClient"/> over the OCI distribution API.</summary>
internal sealed class RegistryClient : IRegistryClient, IDisposable
{
    // Made on first use: its HTTP handler and Polly pipeline (which validates its options by reflection) cost a
    // command that never talks to a registry (images, ps, run of a present image) milliseconds of start-up.
    private readonly Lazy<RegistryTransport> _lazyTransport;
    private readonly IContentStore _content;
    private readonly IImageService _images;
    private readonly StoreLayout _layout;
    private readonly ContainersOptions _engineOptions;
    private readonly Storage.ILayerUnpacker? _unpacker;
    private readonly ILogger _logger;

    // unpacker: the storage driver's, when a runtime is registered, so layers are unpacked as they arrive.
    public RegistryClient(RegistryClientOptions options, IContentStore content, IImageService images, StoreLayout layout, ContainersOptions engineOptions, Storage.ILayerUnpacker? unpacker = null, ILogger<RegistryClient>? logger = null)
    {
        _unpacker = unpacker;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _lazyTransport = new Lazy<RegistryTransport>(() => new RegistryTransport(options, _logger), LazyThreadSafetyMode.ExecutionAndPublication);
        _content = content;
        _images = images;
        _layout = layout;
        _engineOptions = engineOptions;
    }

    private RegistryTransport Transport => _lazyTransport.Value;

    public Task<ImageDetails> PullAsync(string reference, PullOptions? options = null, CancellationToken cancellationToken = default) =>
        new ImagePuller(Transport, _content, _images, _layout, _unpacker, _logger).PullAsync(ImageReference.Parse(reference), options ?? new PullOptions(), _engineOptions.Platform, cancellationToken);

    public Task<Digest> PushAsync(string image, string? destination = null, CancellationToken cancellationToken = default) =>
        PushAsync(image, destination, null, cancellationToken);

    public async Task<Digest> PushAsync(string image, string? destination, PushOptions? options, CancellationToken cancellationToken = default)
    {
        var details = await _images.InspectAsync(image, cancellationToken).ConfigureAwait(false);
        var target = ImageReference.Parse(destination ?? (details.Names.FirstOrDefault(n => n.FamiliarName == image || n.ToString() == image) ?? details.Names.FirstOrDefault())?.ToString()
            ?? throw new ArgumentException($"Image {image} has no name to push to; give a destination.", nameof(destination)));
        return await new ImagePusher(Transport, _content).PushAsync(details, target, options ?? new PushOptions(), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ListTagsAsync(string repository, CancellationToken cancellationToken = default)
    {
        var reference = ImageReference.Parse(repository);
        var host = reference.Registry;
        var scope = $"repository:{reference.Repository}:pull";
        var baseUri = await Transport.BaseUriAsync(host, cancellationToken).ConfigureAwait(false);
        var url = new Uri(baseUri, $"v2/{reference.Repository}/tags/list?n={Transport.Options.TagPageSize}");
        var tags = new List<string>();
        while (true)
        {
            using var response = await Transport.SendAsync(host, scope, url, u => new HttpRequestMessage(HttpMethod.Get, u), cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw response.StatusCode == HttpStatusCode.NotFound
                    ? new ManifestUnknownException(reference.Name)
                    : await RegistryErrors.ReadAsync(response, $"listing the tags of {reference.Name}", cancellationToken).ConfigureAwait(false);
            }

            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            tags.AddRange(json?["tags"]?.AsArray().Select(t => t!.GetValue<string>()) ?? []);
            if (NextPage(response, url) is not { } next)
            {
                return tags;
            }

            url = next;
        }
    }

    /// <summary>Follows <c>Link: &lt;...&gt;; rel="next"</c>, only to the same registry.</summary>
    private static Uri? NextPage(HttpResponseMessage response, Uri current)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
        {
            return null;
        }

        foreach (var link in links)
        {
            var open = link.IndexOf('<', StringComparison.Ordinal);
            var close = link.IndexOf('>', StringComparison.Ordinal);
            if (open >= 0 && close > open && link.Contains("rel=\"next\"", StringComparison.Ordinal))
            {
                var next = new Uri(current, link[(open + 1)..close]);
                return next.Authority == current.Authority ? next : throw new RegistryException($"the registry's next-page link points to another host ({next.Authority})");
            }
        }

        return null;
    }

    public Task<IReadOnlyList<Oci.Descriptor>> ListReferrersAsync(string subject, string? artifactType = null, CancellationToken cancellationToken = default) =>
        Referrers().ListAsync(ImageReference.Parse(subject), artifactType, cancellationToken);

    public Task<Oci.Descriptor> AttachArtifactAsync(string subject, string artifactType, ReadOnlyMemory<byte> content, string contentMediaType, IReadOnlyDictionary<string, string>? annotations = null, CancellationToken cancellationToken = default) =>
        Referrers().AttachAsync(ImageReference.Parse(subject), artifactType, content, contentMediaType, annotations, cancellationToken);

    private Referrers.ReferrersClient Referrers() =>
        new(Transport, new ImagePuller(Transport, _content, _images, _layout, _unpacker, _logger), new ImagePusher(Transport, _content), _content);

    public async Task DeleteAsync(string reference, CancellationToken cancellationToken = default)
    {
        var parsed = ImageReference.Parse(reference);
        var host = parsed.Registry;
        var scope = $"repository:{parsed.Repository}:delete";
        var baseUri = await Transport.BaseUriAsync(host, cancellationToken).ConfigureAwait(false);
        var target = parsed.Digest?.ToString() ?? parsed.Tag!;
        using var response = await Transport.SendAsync(host, scope, new Uri(baseUri, $"v2/{parsed.Repository}/manifests/{target}"), u => new HttpRequestMessage(HttpMethod.Delete, u), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw await RegistryErrors.ReadAsync(response, $"manifest {reference}", cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task LoginAsync(string registry, RegistryCredential credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var host = registry.Trim().TrimEnd('/');
        Transport.Options.Credentials[host] = credential;
        Transport.Authenticator.Forget(host);
        var url = new Uri(await Transport.BaseUriAsync(host, cancellationToken).ConfigureAwait(false), "v2/");
        using var response = await Transport.SendAsync(host, string.Empty, url, u => new HttpRequestMessage(HttpMethod.Get, u), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            Transport.Options.Credentials.Remove(host);
            throw await RegistryErrors.ReadAsync(response, $"logging in to {host}", cancellationToken).ConfigureAwait(false);
        }

        await new CredentialStore(Transport.Options).SaveAsync(host, credential, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> LogoutAsync(string registry, CancellationToken cancellationToken = default)
    {
        var host = registry.Trim().TrimEnd('/');
        Transport.Options.Credentials.Remove(host);
        Transport.Authenticator.Forget(host);
        return new CredentialStore(Transport.Options).RemoveAsync(host, cancellationToken);
    }

    public void Dispose()
    {
        if (_lazyTransport.IsValueCreated)
        {
            _lazyTransport.Value.Dispose();
        }
    }
}
