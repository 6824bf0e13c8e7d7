using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Containers.Registry.Auth;

/// <summary>
/// Fetches Bearer tokens from a registry's token service, as the distribution token spec describes: with a refresh token
/// (an identity token, or one an earlier answer gave) or a password, the OAuth2 POST form first; the GET form with Basic
/// credentials (or none) when the service does not take POSTs. Refresh tokens are kept per realm, service and user.
/// </summary>
internal sealed class TokenClient(HttpClient http)
{
    private const string ClientId = "containers-dotnet";
    private static readonly TimeSpan MinimumTokenLife = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<(string Realm, string Service, string User), string> _refreshTokens = new();
    private readonly ConcurrentDictionary<string, bool> _postUnsupported = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>An access token and when to stop using it.</summary>
    public sealed record Token(string AccessToken, DateTimeOffset Expires);

    /// <summary>
    /// Joins our scopes and the challenge's (space-separated), ours first, with the actions of one resource merged:
    /// <c>repository:a:pull,push</c> and <c>repository:a:pull</c> ask for <c>repository:a:pull,push</c>.
    /// </summary>
    public static IReadOnlyList<string> MergeScopes(string ours, string? challenged)
    {
        var resources = new List<string>();
        var actions = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var scope in (ours + " " + challenged).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var last = scope.LastIndexOf(':');
            var (resource, wanted) = last > 0 ? (scope[..last], scope[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries)) : (scope, []);
            if (!actions.TryGetValue(resource, out var list))
            {
                resources.Add(resource);
                actions[resource] = list = [];
            }

            list.AddRange(wanted.Where(a => !list.Contains(a)));
        }

        return resources.Select(r => actions[r].Count > 0 ? r + ":" + string.Join(',', actions[r]) : r).ToList();
    }

    /// <exception cref="RegistryAuthenticationException">The service refused the credentials or the refresh token.</exception>
    /// <exception cref="RegistryUnavailableException">The service failed.</exception>
    public async Task<Token> FetchAsync(string host, Uri realm, string? service, IReadOnlyList<string> scopes, RegistryCredential? credential, CancellationToken cancellationToken)
    {
        var identityToken = credential is { Username: "" or "<token>" } ? credential.Password : null;
        var key = (realm.GetLeftPart(UriPartial.Path), service ?? string.Empty, credential?.Username ?? string.Empty);
        var refreshToken = identityToken ?? (credential is null ? null : _refreshTokens.GetValueOrDefault(key));
        if (credential is not null && !_postUnsupported.ContainsKey(key.Item1))
        {
            var form = new Dictionary<string, string> { ["client_id"] = ClientId };
            if (service is not null)
            {
                form["service"] = service;
            }

            if (scopes.Count > 0)
            {
                form["scope"] = string.Join(' ', scopes);
            }

            if (refreshToken is not null)
            {
                form["grant_type"] = "refresh_token";
                form["refresh_token"] = refreshToken;
            }
            else
            {
                form["grant_type"] = "password";
                form["username"] = credential.Username;
                form["password"] = credential.Password;
                form["access_type"] = "offline";
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return await ReadAsync(host, response, key, cancellationToken).ConfigureAwait(false);
            }

            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
            {
                _postUnsupported[key.Item1] = true; // no OAuth2 form here: GET from now on
            }
            else if (response.StatusCode is not (HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
            {
                throw new RegistryUnavailableException($"the token service for {host} answered {(int)response.StatusCode}", response.StatusCode);
            }

            if (identityToken is not null)
            {
                // An identity token is only good for the OAuth2 form; there is no password to fall back on.
                throw new RegistryAuthenticationException($"the token service for {host} refused the identity token ({(int)response.StatusCode}): log in again", response.StatusCode);
            }

            _refreshTokens.TryRemove(key, out _); // a stale refresh token: the password (by GET) decides
        }

        return await GetAsync(host, realm, service, scopes, credential, key, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Token> GetAsync(string host, Uri realm, string? service, IReadOnlyList<string> scopes, RegistryCredential? credential, (string, string, string) key, CancellationToken cancellationToken)
    {
        var query = new StringBuilder(realm.Query.TrimStart('?'));
        void Add(string name, string value) => query.Append(query.Length > 0 ? "&" : string.Empty).Append(name).Append('=').Append(Uri.EscapeDataString(value));
        if (service is not null)
        {
            Add("service", service);
        }

        foreach (var scope in scopes)
        {
            Add("scope", scope);
        }

        if (credential is not null)
        {
            Add("client_id", ClientId);
            Add("offline_token", "true");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(realm) { Query = query.ToString() }.Uri);
        if (credential is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.Username + ":" + credential.Password)));
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

        return await ReadAsync(host, response, key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads <c>token</c>/<c>access_token</c>, <c>expires_in</c> (at least 60 s), <c>issued_at</c> and <c>refresh_token</c>.</summary>
    private async Task<Token> ReadAsync(string host, HttpResponseMessage response, (string, string, string) key, CancellationToken cancellationToken)
    {
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new RegistryAuthenticationException($"the token service for {host} answered with something other than JSON: {e.Message}");
        }

        var token = Text(json, "token") ?? Text(json, "access_token")
            ?? throw new RegistryAuthenticationException($"the token service for {host} returned no token");
        var lifetime = json?["expires_in"] is JsonValue value && value.TryGetValue<long>(out var seconds) ? TimeSpan.FromSeconds(seconds) : MinimumTokenLife;
        var issued = Text(json, "issued_at") is { } at && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : DateTimeOffset.UtcNow;
        if (Text(json, "refresh_token") is { Length: > 0 } refresh && key.Item3.Length > 0)
        {
            _refreshTokens[key] = refresh;
        }

        return new Token(token, issued + (lifetime < MinimumTokenLife ? MinimumTokenLife : lifetime) - ExpiryMargin);
    }

    private static string? Text(JsonNode? json, string name) =>
        json?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
