using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Containers.Registry.Transport;

namespace Containers.Registry.Auth;

/// <summary>
/// Answers registry challenges: Basic with the stored credentials, Bearer by fetching a token from the realm for the
/// request's scope (GET with Basic credentials, or anonymously), cached per host and scope until it expires.
/// </summary>
/// <remarks>The token realm must be https, or http on loopback; credentials are only ever sent to the registry's own host and its realm.</remarks>
internal sealed class RegistryAuthenticator(HttpClient http, CredentialStore credentials)
{
    private static readonly TimeSpan MinimumTokenLife = TimeSpan.FromSeconds(60);
    private readonly ConcurrentDictionary<(string Host, string Scope), (AuthenticationHeaderValue Header, DateTimeOffset Expires)> _cache = new();
    private readonly ConcurrentDictionary<string, AuthChallenge> _challenges = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Returns a cached Authorization header for the host and scope, when one is known and fresh.</summary>
    public AuthenticationHeaderValue? Cached(string host, string scope) =>
        _cache.TryGetValue((host, scope), out var entry) && entry.Expires > DateTimeOffset.UtcNow ? entry.Header : null;

    /// <summary>Answers a 401 for <paramref name="host"/>: returns the header to retry with, or null when the challenge needs nothing we have.</summary>
    /// <exception cref="RegistryAuthenticationException">The token service refused the credentials.</exception>
    public async Task<AuthenticationHeaderValue?> AuthenticateAsync(string host, string scope, HttpResponseMessage unauthorized, CancellationToken cancellationToken)
    {
        var challenge = AuthChallenge.Parse(unauthorized.Headers.WwwAuthenticate.ToString());
        if (challenge is null)
        {
            return null;
        }

        _challenges[host] = challenge;
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
            (header, expires) = await FetchTokenAsync(host, challenge, scope, credential, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            throw new RegistryAuthenticationException($"{host} asks for {challenge.Scheme} authentication, which is not supported", HttpStatusCode.Unauthorized);
        }

        _cache[(host, scope)] = (header, expires);
        return header;
    }

    /// <summary>Checks credentials against a registry: fetches a token (Bearer) or sends them (Basic) and expects success.</summary>
    public void Forget(string host)
    {
        foreach (var key in _cache.Keys.Where(k => k.Host.Equals(host, StringComparison.OrdinalIgnoreCase)))
        {
            _cache.TryRemove(key, out _);
        }
    }

    private async Task<(AuthenticationHeaderValue, DateTimeOffset)> FetchTokenAsync(string host, AuthChallenge challenge, string scope, RegistryCredential? credential, CancellationToken cancellationToken)
    {
        var realm = challenge.Realm is { } r && Uri.TryCreate(r, UriKind.Absolute, out var uri) ? uri
            : throw new RegistryAuthenticationException($"{host} sent a Bearer challenge without a valid realm");
        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && RegistryEndpoint.IsLoopback(uri.Host)))
        {
            throw new RegistryAuthenticationException($"{host} names an insecure token realm ({uri}); refusing to send credentials there");
        }

        var query = new StringBuilder();
        if (challenge.Parameters.GetValueOrDefault("service") is { } service)
        {
            query.Append("service=").Append(Uri.EscapeDataString(service)).Append('&');
        }

        if (scope.Length > 0)
        {
            query.Append("scope=").Append(Uri.EscapeDataString(scope));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(uri) { Query = query.ToString().TrimEnd('&') }.Uri);
        if (credential is not null)
        {
            request.Headers.Authorization = Basic(credential);
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new RegistryAuthenticationException($"the token service for {host} refused {(credential is null ? "anonymous access" : "the credentials of " + credential.Username)}: log in with valid credentials", response.StatusCode);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new RegistryUnavailableException($"the token service for {host} answered {(int)response.StatusCode}", response.StatusCode);
        }

        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        var token = json?["token"]?.GetValue<string>() ?? json?["access_token"]?.GetValue<string>()
            ?? throw new RegistryAuthenticationException($"the token service for {host} returned no token");
        var lifetime = json?["expires_in"]?.GetValue<int>() is { } seconds ? TimeSpan.FromSeconds(seconds) : MinimumTokenLife;
        var expires = DateTimeOffset.UtcNow + (lifetime < MinimumTokenLife ? MinimumTokenLife : lifetime) - TimeSpan.FromSeconds(10);
        return (new AuthenticationHeaderValue("Bearer", token), expires);
    }

    private static AuthenticationHeaderValue Basic(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.Username + ":" + credential.Password)));
}
