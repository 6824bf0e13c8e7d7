using Containers.Images;
using Containers.Registry.Auth;
using Containers.Registry.Pull;
using Containers.Registry.Push;

namespace Containers.Registry;

/// <summary>Moves images between the engine's store and OCI registries, and manages registry logins.</summary>
public interface IRegistryClient
{
    /// <summary>Pulls an image by tag or digest into the store and names it.</summary>
    /// <exception cref="ManifestUnknownException">The registry has no such image.</exception>
    /// <exception cref="RegistryAuthenticationException">The registry wants credentials it did not get, or refused them.</exception>
    /// <exception cref="RegistryUnavailableException">The registry could not be reached, or kept failing.</exception>
    /// <exception cref="DigestMismatchException">Content did not match its digest; nothing of it was kept.</exception>
    Task<ImageDetails> PullAsync(string reference, PullOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Pushes an image from the store to <paramref name="destination"/> (default: the image's own name); returns the manifest digest.</summary>
    Task<Digest> PushAsync(string image, string? destination = null, CancellationToken cancellationToken = default);

    /// <summary>Pushes an image as <see cref="PushAsync(string, string?, CancellationToken)"/> does, with blob mounts and progress as <paramref name="options"/> say.</summary>
    Task<Digest> PushAsync(string image, string? destination, PushOptions? options, CancellationToken cancellationToken = default);

    /// <summary>Lists a repository's tags, following the registry's pagination.</summary>
    Task<IReadOnlyList<string>> ListTagsAsync(string repository, CancellationToken cancellationToken = default);

    /// <summary>Deletes a manifest by digest (or the manifest a tag names) from the registry.</summary>
    Task DeleteAsync(string reference, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists the manifests that name <paramref name="subject"/> (<c>host/repo@sha256:...</c>, or a tag) as their subject,
    /// through the referrers API or, where the registry lacks it, the <c>sha256-HEX</c> tag schema; optionally only those of
    /// one artifact type. An image without referrers gives an empty list.
    /// </summary>
    Task<IReadOnlyList<Oci.Descriptor>> ListReferrersAsync(string subject, string? artifactType = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Attaches an artifact (a signature, an SBOM, ...) to <paramref name="subject"/>: pushes a manifest of
    /// <paramref name="artifactType"/> with an empty config, <paramref name="content"/> as its one layer and the subject
    /// named, into the subject's repository; keeps the tag schema's index up to date where the registry does not index
    /// referrers itself. Returns the artifact's descriptor as referrer listings show it.
    /// </summary>
    Task<Oci.Descriptor> AttachArtifactAsync(string subject, string artifactType, ReadOnlyMemory<byte> content, string contentMediaType, IReadOnlyDictionary<string, string>? annotations = null, CancellationToken cancellationToken = default);

    /// <summary>Checks credentials against a registry and stores them in the auth file.</summary>
    /// <exception cref="RegistryAuthenticationException">The registry refused them.</exception>
    Task LoginAsync(string registry, RegistryCredential credential, CancellationToken cancellationToken = default);

    /// <summary>Removes a registry's stored credentials; returns false when there were none.</summary>
    Task<bool> LogoutAsync(string registry, CancellationToken cancellationToken = default);
}
