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
/// host or one it clearly speaks for (<see cref="MayReceiveCredentials"/>), or is listed in
/// <see cref="RegistryClientOptions.TrustedTokenRealms"/>.
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
        if (realm.Scheme == Uri.UriSchemeHttp && !RegistryEndpoint.IsLoopback(realm.IdnHost))
        {
            throw new RegistryAuthenticationException($"{host} names an insecure token realm ({realm}); refusing to ask it for a token over plain HTTP");
        }

        if (credential is not null && !MayReceiveCredentials(host, realm, options.TrustedTokenRealms))
        {
            throw new RegistryAuthenticationException(
                $"{host} names a token service on another host ({realm.Authority}); the credentials for {host} are not sent there. "
                + $"If that service is genuine, add {realm.Authority} to RegistryClientOptions.TrustedTokenRealms");
        }

        return realm;
    }

    /// <summary>
    /// Tells whether a realm may receive the registry's credentials: a trusted realm, the registry's own host name (any
    /// port), a subdomain of it, its parent domain itself (<c>gitlab.com</c> for <c>registry.gitlab.com</c>), or Docker
    /// Hub's <c>auth.docker.io</c>. Siblings under a shared parent are not enough (<c>evil.azurecr.io</c> is not
    /// <c>mine.azurecr.io</c>'s); list such a service in <see cref="RegistryClientOptions.TrustedTokenRealms"/>.
    /// </summary>
    internal static bool MayReceiveCredentials(string registryHost, Uri realm, ISet<string> trusted)
    {
        if (trusted.Contains(realm.Authority) || trusted.Contains(realm.IdnHost))
        {
            return true;
        }

        var registryName = HostName(registryHost);
        var realmName = realm.IdnHost; // IPv6 without brackets
        if (registryName is "docker.io" or "index.docker.io" or "registry-1.docker.io")
        {
            return realmName.Equals("auth.docker.io", StringComparison.OrdinalIgnoreCase);
        }

        if (realmName.Equals(registryName, StringComparison.OrdinalIgnoreCase))
        {
            return true; // the same host, on any port
        }

        if (IPAddress.TryParse(registryName, out _) || IPAddress.TryParse(realmName, out _))
        {
            return false;
        }

        var dot = registryName.IndexOf('.', StringComparison.Ordinal);
        var parent = dot > 0 && registryName.IndexOf('.', dot + 1) > 0 ? registryName[(dot + 1)..] : null;
        return realmName.EndsWith("." + registryName, StringComparison.OrdinalIgnoreCase)
            || (parent is not null && realmName.Equals(parent, StringComparison.OrdinalIgnoreCase));
    }

    private static string HostName(string host) =>
        host.StartsWith('[') ? host[1..host.IndexOf(']', StringComparison.Ordinal)] : host.Split(':')[0];

    private static AuthenticationHeaderValue Basic(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.Username + ":" + credential.Password)));
}
