using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Containers.Registry.Tests;

/// <summary>One request the token issuer answered.</summary>
internal sealed record TokenRequest(string Method, string? Grant, string? User, IReadOnlyList<string> Scopes, string HostHeader, bool SentSecret);

/// <summary>
/// A token service for docker-registry's <c>auth: token</c> mode, on loopback: answers the GET form (Basic credentials or
/// anonymous, <c>offline_token</c> for a refresh token) and the OAuth2 POST form (password and refresh_token grants),
/// issuing RS256 JWTs whose <c>x5c</c> header carries a leaf certificate signed by an authority the registry trusts
/// (distribution 2.8 checks <c>x5c</c> first, then <c>jwk</c>, then a libtrust <c>kid</c>).
/// Anonymous users may pull <c>public/*</c>; alice (password s3cret) may pull, push and delete anything.
/// </summary>
internal sealed class TokenIssuer : IAsyncDisposable
{
    public const string ServiceName = "test-registry";
    public const string IssuerName = "test-issuer";
    private static readonly Dictionary<string, string> Users = new() { ["alice"] = "s3cret" };
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly X509Certificate2 _authority;
    private readonly X509Certificate2 _signer;
    private readonly RSA _signingKey;
    private readonly ConcurrentDictionary<string, string> _refreshTokens = new();

    public TokenIssuer(bool alsoAsLocalhost = false)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=token-ca", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        _authority = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        _signingKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=token-signer", _signingKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        _signer = request.Create(_authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(6), [5, 6, 7, 8]);

        for (var attempt = 0; ; attempt++)
        {
            Port = Testing.RegistryServer.FreePort();
            _listener = new HttpListener(); // a listener whose start failed keeps its prefix registered
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            if (alsoAsLocalhost)
            {
                _listener.Prefixes.Add($"http://localhost:{Port}/");
            }

            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                // The port was taken meanwhile (often by an outgoing connection's ephemeral port). Closing unregisters
                // the prefix, which tries to bind it again and can fail the same way: the listener is dropped either way.
                try
                {
                    _listener.Close();
                }
                catch (HttpListenerException)
                {
                }
            }
        }

        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public Uri Realm => new($"http://127.0.0.1:{Port}/token");

    /// <summary>Gets or sets whether the POST form is served; when not, POSTs get 404 as from a GET-only service.</summary>
    public bool PostSupported { get; set; } = true;

    /// <summary>Gets or sets how far in the past answers say the token was issued (<c>issued_at</c>); the JWT itself stays valid.</summary>
    public TimeSpan IssuedAtOffset { get; set; }

    public ConcurrentQueue<TokenRequest> Requests { get; } = new();

    /// <summary>Gets the <c>auth:</c> section for <see cref="Testing.RegistryServer.StartAsync"/>, the realm defaulting to this issuer.</summary>
    public string AuthSection(Uri? realm = null) =>
        $"auth:\n  token:\n    realm: {realm ?? Realm}\n    service: {ServiceName}\n    issuer: {IssuerName}\n    rootcertbundle: {{dir}}/token-ca.pem";

    /// <summary>Writes the authority the registry trusts for token signatures.</summary>
    public void WriteBundle(Testing.TempDirectory directory) =>
        File.WriteAllText(directory.Combine("token-ca.pem"), _authority.ExportCertificatePem() + "\n");

    /// <summary>Issues a refresh token for a user directly, as a login to the service's web UI would (an identity token).</summary>
    public string IssueRefreshToken(string user)
    {
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _refreshTokens[token] = user;
        return token;
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                await HandleAsync(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The client went away.
            }
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        string? user = null;
        string? grant = null;
        bool offline;
        bool sentSecret;
        List<string> scopes;
        string? service;
        if (request.HttpMethod == "POST")
        {
            var form = ParseQuery(await new StreamReader(request.InputStream).ReadToEndAsync());
            grant = form.GetValueOrDefault("grant_type")?.FirstOrDefault();
            scopes = [.. (form.GetValueOrDefault("scope")?.FirstOrDefault() ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries)];
            service = form.GetValueOrDefault("service")?.FirstOrDefault();
            sentSecret = form.ContainsKey("password") || form.ContainsKey("refresh_token");
            Requests.Enqueue(new TokenRequest("POST", grant, form.GetValueOrDefault("username")?.FirstOrDefault(), scopes, request.Headers["Host"] ?? string.Empty, sentSecret));
            if (!PostSupported)
            {
                await RespondAsync(response, 404, new JsonObject { ["error"] = "not_found" });
                return;
            }

            if (grant == "password")
            {
                var name = form.GetValueOrDefault("username")?.FirstOrDefault() ?? string.Empty;
                if (!Users.TryGetValue(name, out var password) || password != form.GetValueOrDefault("password")?.FirstOrDefault())
                {
                    await RespondAsync(response, 401, new JsonObject { ["error"] = "invalid_grant" });
                    return;
                }

                user = name;
            }
            else if (grant == "refresh_token")
            {
                if (!_refreshTokens.TryGetValue(form.GetValueOrDefault("refresh_token")?.FirstOrDefault() ?? string.Empty, out user))
                {
                    await RespondAsync(response, 401, new JsonObject { ["error"] = "invalid_grant" });
                    return;
                }
            }
            else
            {
                await RespondAsync(response, 400, new JsonObject { ["error"] = "unsupported_grant_type" });
                return;
            }

            offline = grant == "password" && form.GetValueOrDefault("access_type")?.FirstOrDefault() == "offline";
        }
        else
        {
            var query = ParseQuery(request.Url!.Query.TrimStart('?'));
            scopes = query.GetValueOrDefault("scope") ?? [];
            service = query.GetValueOrDefault("service")?.FirstOrDefault();
            offline = query.GetValueOrDefault("offline_token")?.FirstOrDefault() == "true";
            var authorization = request.Headers["Authorization"];
            sentSecret = authorization is not null;
            if (authorization is not null && authorization.StartsWith("Basic ", StringComparison.Ordinal))
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..]));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                var name = decoded[..colon];
                Requests.Enqueue(new TokenRequest("GET", null, name, scopes, request.Headers["Host"] ?? string.Empty, true));
                if (!Users.TryGetValue(name, out var password) || password != decoded[(colon + 1)..])
                {
                    await RespondAsync(response, 401, new JsonObject { ["details"] = "incorrect username or password" });
                    return;
                }

                user = name;
            }
            else
            {
                Requests.Enqueue(new TokenRequest("GET", null, null, scopes, request.Headers["Host"] ?? string.Empty, sentSecret));
            }
        }

        if (service != ServiceName)
        {
            await RespondAsync(response, 400, new JsonObject { ["error"] = "unknown service" });
            return;
        }

        var jwt = Sign(user, scopes);
        var answer = new JsonObject
        {
            ["token"] = jwt,
            ["access_token"] = jwt,
            ["expires_in"] = 300,
            ["issued_at"] = (DateTimeOffset.UtcNow + IssuedAtOffset).ToString("O"),
        };
        if (offline && user is not null)
        {
            answer["refresh_token"] = IssueRefreshToken(user);
        }

        await RespondAsync(response, 200, answer);
    }

    /// <summary>Grants what was asked within the policy: anonymous users pull public/*, known users everything.</summary>
    private string Sign(string? user, IEnumerable<string> scopes)
    {
        var access = new JsonArray();
        foreach (var scope in scopes)
        {
            var first = scope.IndexOf(':', StringComparison.Ordinal);
            var last = scope.LastIndexOf(':');
            if (first < 0 || last <= first)
            {
                continue;
            }

            var (type, name, actions) = (scope[..first], scope[(first + 1)..last], scope[(last + 1)..].Split(','));
            var granted = actions.Where(a => user is not null ? a is "pull" or "push" or "delete" : a == "pull" && name.StartsWith("public/", StringComparison.Ordinal)).ToList();
            access.Add(new JsonObject { ["type"] = type, ["name"] = name, ["actions"] = new JsonArray([.. granted.Select(a => (JsonNode)a)]) });
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "RS256", ["x5c"] = new JsonArray(Convert.ToBase64String(_signer.RawData)) };
        var claims = new JsonObject
        {
            ["iss"] = IssuerName,
            ["sub"] = user ?? string.Empty,
            ["aud"] = ServiceName,
            ["exp"] = now + 300,
            ["nbf"] = now - 10,
            ["iat"] = now,
            ["jti"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)),
            ["access"] = access,
        };
        var signed = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = _signingKey.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signed + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static Dictionary<string, List<string>> ParseQuery(string query)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            (result.TryGetValue(name, out var list) ? list : result[name] = []).Add(value);
        }

        return result;
    }

    private static async Task RespondAsync(HttpListenerResponse response, int status, JsonObject body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            _listener.Close();
        }
        catch (HttpListenerException)
        {
            // As in FaultProxy: Close can fail to re-bind a port another listener took; Stop released everything.
        }

        await _loop;
        _signer.Dispose();
        _authority.Dispose();
        _signingKey.Dispose();
    }
}
