using System.Security.Cryptography.X509Certificates;
using Containers.Registry.Auth;

namespace Containers.Registry;

/// <summary>Configures the registry client. Every member states its default.</summary>
public sealed class RegistryClientOptions
{
    /// <summary>Gets explicit credentials by registry host (<c>localhost:5000</c>), used before any credential file. Empty by default.</summary>
    public IDictionary<string, RegistryCredential> Credentials { get; } = new Dictionary<string, RegistryCredential>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets the credential file <c>login</c> writes and lookups read first. The default is
    /// <c>$DOCKER_CONFIG/config.json</c>, else <c>~/.docker/config.json</c>; Podman's <c>auth.json</c> is read as well.
    /// </summary>
    public string? AuthFile { get; set; }

    /// <summary>Gets hosts that may be reached over plain HTTP. Loopback registries always may, as Docker allows. Empty by default.</summary>
    public ISet<string> InsecureRegistries { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets token services (<c>auth.example.com</c> or <c>auth.example.com:8443</c>) that may receive a registry's
    /// credentials although they are not on its host. Without an entry here credentials go only to a realm on the
    /// registry's host name, a subdomain of it, its parent domain (<c>gitlab.com</c> for <c>registry.gitlab.com</c>), or
    /// <c>auth.docker.io</c> for Docker Hub. Empty by default.
    /// </summary>
    public ISet<string> TrustedTokenRealms { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets extra certificate authorities trusted for registry TLS, beside the system's. Empty by default.</summary>
    public X509Certificate2Collection CaCertificates { get; } = [];

    /// <summary>Gets mirrors tried, in order, before a registry host when pulling (<c>docker.io</c> → <c>mirror.example:5000</c>). Empty by default.</summary>
    public IDictionary<string, IReadOnlyList<string>> Mirrors { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets how many blobs download at once. The default is 3.</summary>
    public int MaxConcurrentDownloads { get; set; } = 3;

    /// <summary>Gets or sets how many times a failed request is retried (connection failures, 5xx, 429). The default is 4.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>Gets or sets the first retry delay; later ones double, with jitter, and a <c>Retry-After</c> wins. The default is 200 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets how long one attempt may wait for response headers, or go without receiving body bytes. The default is 60 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how many tags one page of a tag listing asks for (<c>n</c>); later pages follow the <c>Link</c> header. The default is 1000.</summary>
    public int TagPageSize { get; set; } = 1000;

    /// <summary>Gets or sets the size from which pushes upload blobs in chunks; 0 always uploads in one request. The default is 0.</summary>
    public long ChunkSize { get; set; }
}
