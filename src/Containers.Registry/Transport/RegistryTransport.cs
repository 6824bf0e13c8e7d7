using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Containers.Registry.Auth;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Containers.Registry.Transport;

/// <summary>
/// Sends registry requests: answers auth challenges, follows redirects without leaking credentials to other hosts, and
/// retries connection failures, 5xx and 429 with exponential backoff and jitter (honouring Retry-After) through Polly.
/// </summary>
internal sealed class RegistryTransport : IDisposable
{
    private const int MaxRedirects = 5;
    private static readonly ResiliencePropertyKey<string> HostKey = new("containers.registry.host");
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Uri> _baseUris = new(StringComparer.OrdinalIgnoreCase);

    private readonly ILogger _logger;

    public RegistryTransport(RegistryClientOptions options, ILogger? logger = null)
    {
        Options = options;
        _logger = logger ?? NullLogger.Instance;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = Math.Max(8, options.MaxConcurrentDownloads * 2),
        };
        if (options.CaCertificates.Count > 0)
        {
            handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = ValidateWithExtraAuthorities };
        }

        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("containers-dotnet/0.1");
        Authenticator = new RegistryAuthenticator(_http, new CredentialStore(options), options);
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutRejectedException or IOException } => true,
                    { Result: { } response } => response.StatusCode is HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError,
                    _ => false,
                }),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.Headers.RetryAfter is { } after
                    ? after.Delta ?? (after.Date - DateTimeOffset.UtcNow)
                    : (TimeSpan?)null),
                OnRetry = args =>
                {
                    var outcome = args.Outcome.Exception?.Message ?? $"{(int?)args.Outcome.Result?.StatusCode} {args.Outcome.Result?.StatusCode}";
                    RegistryLog.Retrying(_logger, args.Context.Properties.TryGetValue(HostKey, out var host) ? host : "the registry", args.AttemptNumber + 1, args.RetryDelay, outcome);
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }

        _pipeline = builder.AddTimeout(options.AttemptTimeout).Build();
    }

    public RegistryClientOptions Options { get; }

    /// <summary>
    /// Returns the registry's base URI: https, verified against the system's and the configured authorities; for hosts
    /// that allow plain HTTP, https is tried first and http used when no TLS server answers, as Docker does.
    /// Certificates are never left unverified.
    /// </summary>
    public async Task<Uri> BaseUriAsync(string host, CancellationToken cancellationToken)
    {
        if (_baseUris.TryGetValue(host, out var known))
        {
            return known;
        }

        var secure = RegistryEndpoint.BaseUri(host, secure: true);
        if (!RegistryEndpoint.AllowsPlainHttp(host, Options))
        {
            return _baseUris[host] = secure;
        }

        try
        {
            using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            probe.CancelAfter(TimeSpan.FromSeconds(5));
            using var response = await _http.GetAsync(new Uri(secure, "v2/"), HttpCompletionOption.ResponseHeadersRead, probe.Token).ConfigureAwait(false);
            return _baseUris[host] = secure;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return _baseUris[host] = RegistryEndpoint.BaseUri(host, secure: false);
        }
    }

    public RegistryAuthenticator Authenticator { get; }

    /// <summary>
    /// Sends the request <paramref name="create"/> builds (called once per attempt, so content can be re-read) and returns
    /// a response with headers read. Statuses other than transient ones are returned for the caller to interpret.
    /// </summary>
    /// <exception cref="RegistryUnavailableException">The registry could not be reached, or kept failing, after every retry.</exception>
    /// <exception cref="RegistryAuthenticationException">The registry refused the credentials.</exception>
    public async Task<HttpResponseMessage> SendAsync(string host, string scope, Uri url, Func<Uri, HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            var context = ResilienceContextPool.Shared.Get(cancellationToken);
            context.Properties.Set(HostKey, host);
            try
            {
                response = await _pipeline.ExecuteAsync(
                    async ctx => await SendOnceAsync(host, scope, url, create, ctx.CancellationToken).ConfigureAwait(false),
                    context).ConfigureAwait(false);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or IOException)
        {
            throw new RegistryUnavailableException($"{host} could not be reached: {e.Message}", null, e);
        }

        if (response.StatusCode is HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError)
        {
            var status = response.StatusCode;
            response.Dispose();
            throw new RegistryUnavailableException($"{host} answered {(int)status} {status} to {url.AbsolutePath} after {Options.MaxRetries} retries", status);
        }

        return response;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(string host, string scope, Uri url, Func<Uri, HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        var response = await SendFollowingRedirectsAsync(host, url, create, Authenticator.Cached(host, scope), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        RegistryLog.AuthChallenge(_logger, host, scope);
        var header = await Authenticator.AuthenticateAsync(host, scope, response, cancellationToken).ConfigureAwait(false);
        response.Dispose();
        if (header is null)
        {
            throw new RegistryAuthenticationException($"{host} refused the request to {url.AbsolutePath} without saying how to authenticate", HttpStatusCode.Unauthorized);
        }

        response = await SendFollowingRedirectsAsync(host, url, create, header, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            Authenticator.Forget(host);
            throw new RegistryAuthenticationException($"{host} refused the credentials for {scope}: log in with valid credentials", HttpStatusCode.Unauthorized);
        }

        return response;
    }

    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(string host, Uri url, Func<Uri, HttpRequestMessage> create, AuthenticationHeaderValue? authorization, CancellationToken cancellationToken)
    {
        // Credentials go to the registry's own address only: never to a blob store it redirects to, nor to an upload
        // Location or next-page link on another host.
        var registryHost = _baseUris.TryGetValue(host, out var known) ? known.Authority : url.Authority;
        for (var hop = 0; ; hop++)
        {
            using var request = create(url);
            if (authorization is not null && url.Authority.Equals(registryHost, StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Authorization = authorization;
            }

            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if ((int)response.StatusCode is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is not { } location)
            {
                return response;
            }

            response.Dispose();
            if (hop >= MaxRedirects)
            {
                throw new RegistryException($"{host} redirected {url} more than {MaxRedirects} times");
            }

            url = location.IsAbsoluteUri ? location : new Uri(url, location);
        }
    }

    private bool ValidateWithExtraAuthorities(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(Options.CaCertificates);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return custom.Build(new X509Certificate2(certificate));
    }

    public void Dispose() => _http.Dispose();
}
