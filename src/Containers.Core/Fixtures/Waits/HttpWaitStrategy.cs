using System.Globalization;
using System.Net;

namespace Containers.Fixtures;

/// <summary>
/// Waits until an HTTP request to the container succeeds: sent to the published host port of <see cref="Port"/> (or to
/// the container's address when the port is not published), answered with a status <see cref="StatusPredicate"/>
/// accepts (2xx by default) and a body <see cref="BodyPredicate"/> accepts (any by default).
/// </summary>
/// <param name="Port">The port inside the container.</param>
/// <param name="Path">The path and query to request.</param>
public sealed record HttpWaitStrategy(int Port, string Path = "/") : IWaitStrategy
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.Zero,   // a restarted service gets fresh connections
        AllowAutoRedirect = false,
        UseProxy = false,
    });

    /// <inheritdoc/>
    public TimeSpan Timeout { get; init; } = Wait.DefaultTimeout;

    /// <summary>Gets the method; GET by default.</summary>
    public HttpMethod Method { get; init; } = HttpMethod.Get;

    /// <summary>Gets which status codes count as success; 2xx by default.</summary>
    public Func<HttpStatusCode, bool> StatusPredicate { get; init; } = status => (int)status is >= 200 and < 300;

    /// <summary>Gets which bodies count as success; any by default.</summary>
    public Func<string, bool> BodyPredicate { get; init; } = _ => true;

    /// <summary>Gets how long one request may take.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <inheritdoc/>
    public string Description => string.Create(CultureInfo.InvariantCulture, $"HTTP {Method} {Path} on port {Port} succeeding");

    /// <summary>Returns a copy that waits at most <paramref name="timeout"/>.</summary>
    public HttpWaitStrategy WithTimeout(TimeSpan timeout) => this with { Timeout = timeout };

    /// <summary>Returns a copy that accepts only the given status codes.</summary>
    public HttpWaitStrategy ForStatusCode(params HttpStatusCode[] statuses) => this with { StatusPredicate = statuses.Contains };

    /// <summary>Returns a copy that accepts the status codes <paramref name="predicate"/> accepts.</summary>
    public HttpWaitStrategy ForStatusCode(Func<HttpStatusCode, bool> predicate) => this with { StatusPredicate = predicate };

    /// <summary>Returns a copy that accepts only bodies <paramref name="predicate"/> accepts.</summary>
    public HttpWaitStrategy ForBody(Func<string, bool> predicate) => this with { BodyPredicate = predicate };

    /// <inheritdoc/>
    public async Task<bool> IsReadyAsync(WaitContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endpoint = await EndpointAsync(context, cancellationToken).ConfigureAwait(false);
        if (endpoint is null)
        {
            return false;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var request = new HttpRequestMessage(Method, new Uri(endpoint, Path));
            using var response = await Client.SendAsync(request, timeout.Token).ConfigureAwait(false);
            if (!StatusPredicate(response.StatusCode))
            {
                return false;
            }

            var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            return BodyPredicate(body);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false; // not listening yet, reset, or too slow: try again
        }
    }

    private async Task<Uri?> EndpointAsync(WaitContext context, CancellationToken cancellationToken)
    {
        if (context.Container.TryGetMappedPort(Port, out var hostPort))
        {
            return new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{context.Container.Host}:{hostPort}"));
        }

        var address = await context.Container.GetAddressAsync(cancellationToken).ConfigureAwait(false);
        return address is null ? null : new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{address}:{Port}"));
    }
}
