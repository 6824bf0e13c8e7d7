using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Containers.Registry.Transport;

namespace Containers.Registry.Auth;

/// <summary>
/// Answers registry challenges: Basic with the stored credentials, Bearer by fetching a token from the realm for the
/// request's scopes (see <see cref="TokenClient"/>), cached per host and scope until it expires.
/// </summary>
/// <remarks>
/// The token realm must be https, or http on loopback; credentials go to a realm only when it is the registry's own
/// host, a sibling under the same domain, or listed in <see cref="RegistryClientOptions.TrustedTokenRealms"/>.
/// </remarks>
internal sealed class RegistryAuthenticator(HttpClient http, CredentialStore credentials, RegistryClientOptions options)
{
    private readonly ConcurrentDictionary<(string Host, string Scope), (AuthenticationHeaderValue Header, DateTimeOffset Expires)> _cache = new();
    private readonly TokenClient _tokens = new(http);

    /// <summary>Returns a cached Authorization header for the host and scope, when one is known and fresh.</summary>
    public AuthenticationHeaderValue? Cached(string host, string scope) =>
        _cache.TryGetValue((host, scope), out var entry) && entry.Expires > DateTimeOffset.UtcNow ? entry.Header : null;

    /// <summary>Answers a 401 for <paramref name="host"/>: returns the header to retry with, or null when the challenge needs nothing we have.</summary>
    /// <exception cref="RegistryAuthenticationException">The token service refused the credentials, or is not trusted with them.</exception>
    public async Task<AuthenticationHeaderValue?> AuthenticateAsync(string host, string scope, HttpResponseMessage unauthorized, CancellationToken cancellationToken)
    {
        var challenge = AuthChallenge.Parse(unauthorized.Headers.WwwAuthenticate.ToString());
        if (challenge is null)
        {
            return null;
        }

        var credential = await credentials.GetAsync(host, cancellationToken).ConfigureAwait(false);
        AuthenticationHeaderValue header;
        DateTimeOffset expires;
        if (challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            if (credential is null)
            {
                throw new RegistryAuthenticationException($"{host} requires credentials: log in first (containers login {host})", HttpStatusCode.Unauthorized);
            }

            header = Basic(credential);
            expires = DateTimeOffset.MaxValue;
        }
        else if (challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            var realm = ValidateRealm(host, challenge, credential);
            var scopes = TokenClient.MergeScopes(scope, challenge.Parameters.GetValueOrDefault("scope"));
            var token = await _tokens.FetchAsync(host, realm, challenge.Parameters.GetValueOrDefault("service"), scopes, credential, cancellationToken).ConfigureAwait(false);
            header = new AuthenticationHeaderValue("Bearer", token.AccessToken);
            expires = token.Expires;
        }
        else
        {
            throw new RegistryAuthenticationException($"{host} asks for {challenge.Scheme} authentication, which is not supported", HttpStatusCode.Unauthorized);
        }

        _cache[(host, scope)] = (header, expires);
        return header;
    }

    /// <summary>Drops every cached token or header for a host (after login, logout, or refused credentials).</summary>
    public void Forget(string host)
    {
        foreach (var key in _cache.Keys.Where(k => k.Host.Equals(host, StringComparison.OrdinalIgnoreCase)))
        {
            _cache.TryRemove(key, out _);
        }
    }

    /// <summary>
    /// Checks the realm a Bearer challenge names: https (or http on loopback), and, when credentials would be sent, a host
    /// the registry may speak for. A registry (or anything between it and us) must not be able to harvest them elsewhere.
    /// </summary>
    private Uri ValidateRealm(string host, AuthChallenge challenge, RegistryCredential? credential)
    {
        var realm = challenge.Realm is { } r && Uri.TryCreate(r, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" ? uri
            : throw new RegistryAuthenticationException($"{host} sent a Bearer challenge without a valid realm");
        if (realm.Scheme == Uri.UriSchemeHttp && !RegistryEndpoint.IsLoopback(realm.Host))
        {
            throw new RegistryAuthenticationException($"{host} names an insecure token realm ({realm}); refusing to ask it for a token over plain HTTP");
        }

        if (credential is not null && !MayReceiveCredentials(host, realm))
        {
            throw new RegistryAuthenticationException(
                $"{host} names a token service on another host ({realm.Authority}); the credentials for {host} are not sent there. "
                + $"If that service is genuine, add {realm.Authority} to RegistryClientOptions.TrustedTokenRealms");
        }

        return realm;
    }

    private bool MayReceiveCredentials(string registryHost, Uri realm)
    {
        if (options.TrustedTokenRealms.Contains(realm.Authority) || options.TrustedTokenRealms.Contains(realm.Host))
        {
            return true;
        }

        var registryName = HostName(registryHost == "docker.io" ? "registry-1.docker.io" : registryHost);
        if (registryName.Equals(realm.Host, StringComparison.OrdinalIgnoreCase))
        {
            return true; // the same host, on any port
        }

        // Siblings under one domain (registry-1.docker.io and auth.docker.io, registry.gitlab.com and gitlab.com).
        return !IPAddress.TryParse(registryName, out _) && !IPAddress.TryParse(realm.Host, out _)
            && ParentDomain(registryName) is { } parent && (realm.Host.Equals(parent, StringComparison.OrdinalIgnoreCase)
                || realm.Host.EndsWith("." + parent, StringComparison.OrdinalIgnoreCase));
    }

    private static string HostName(string host) =>
        host.StartsWith('[') ? host[1..host.IndexOf(']', StringComparison.Ordinal)] : host.Split(':')[0];

    /// <summary>Returns the domain one level up when it still has two labels (<c>a.b.c</c> → <c>b.c</c>), else null.</summary>
    private static string? ParentDomain(string name)
    {
        var labels = name.Split('.');
        return labels.Length >= 3 ? string.Join('.', labels[^2..]) : labels.Length == 2 ? name : null;
    }

    private static AuthenticationHeaderValue Basic(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.Username + ":" + credential.Password)));
}
