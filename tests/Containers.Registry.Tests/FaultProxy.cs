using System.Net;

namespace Containers.Registry.Tests;

/// <summary>
/// An HTTP proxy on loopback in front of a registry that misbehaves on purpose: answers 503 or 429, cuts a blob off
/// mid-body, or lies about it; <see cref="Fault"/> decides per request.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private readonly Uri _target;
    private readonly Task _loop;
    private int _authorized;

    public FaultProxy(Uri target, bool alsoAsLocalhost = false)
    {
        _target = target;
        for (var attempt = 0; ; attempt++)
        {
            // A port the OS just named free may be taken again before the listener binds it; try another.
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

    public string Host => $"127.0.0.1:{Port}";

    /// <summary>Gets or sets the misbehaviour for the next requests: given the request number and path, what to do.</summary>
    public Func<int, HttpListenerRequest, Fault> Policy { get; set; } = (_, _) => Fault.None;

    public int Requests { get; private set; }

    public List<string> RangeHeaders { get; } = [];

    /// <summary>Gets or sets the authority upload <c>Location</c>s are rewritten to; by default this proxy's own.</summary>
    public string? LocationAuthority { get; set; }

    /// <summary>Gets how many requests carried an Authorization header.</summary>
    public int AuthorizedRequests => _authorized;

    /// <summary>Gets every request as <c>METHOD /path?query</c>, in arrival order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Log { get; } = new();

    /// <summary>
    /// Gets or sets whether tag listings are paginated here by <c>n</c> and <c>last</c> with a <c>Link</c> header, as
    /// newer registries do; Debian's docker-registry (2.8) ignores <c>n</c> for tags and answers everything at once.
    /// </summary>
    public bool PaginateTags { get; set; }

    /// <summary>Gets or sets the referrers API emulation; null forwards referrers requests (2.8 answers 404).</summary>
    public ReferrersEmulation? Referrers { get; set; }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var number = ++Requests;
        Log.Enqueue(context.Request.HttpMethod + " " + context.Request.RawUrl);
        if (context.Request.Headers["Authorization"] is not null)
        {
            Interlocked.Increment(ref _authorized);
        }

        var fault = Policy(number, context.Request);
        try
        {
            if (Referrers is not null && await Referrers.TryAnswerAsync(context))
            {
                return;
            }

            if (fault.Status is { } status)
            {
                context.Response.StatusCode = status;
                if (fault.RetryAfter is { } after)
                {
                    context.Response.AddHeader("Retry-After", after.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                context.Response.Close();
                return;
            }

            var rawUrl = context.Request.RawUrl!;
            var paginate = PaginateTags && context.Request.HttpMethod == "GET" && context.Request.Url!.AbsolutePath.EndsWith("/tags/list", StringComparison.Ordinal);
            using var request = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), new Uri(_target, paginate ? context.Request.Url!.AbsolutePath : rawUrl));
            byte[]? requestBody = null;
            if (context.Request.HasEntityBody)
            {
                using var buffer = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(buffer);
                requestBody = buffer.ToArray();
                request.Content = new ByteArrayContent(requestBody);
                foreach (var name in new[] { "Content-Type", "Content-Range" })
                {
                    if (context.Request.Headers[name] is { } value)
                    {
                        request.Content.Headers.TryAddWithoutValidation(name, value);
                    }
                }
            }

            foreach (var name in new[] { "Accept", "Authorization", "Range" })
            {
                if (context.Request.Headers[name] is { } value)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                    if (name == "Range")
                    {
                        lock (RangeHeaders)
                        {
                            RangeHeaders.Add(value);
                        }
                    }
                }
            }

            using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                if (header.Key is not ("Content-Length" or "Transfer-Encoding" or "Connection"))
                {
                    // Upload sessions continue through the proxy, so it sees (and may fault) every request.
                    var value = string.Join(",", header.Value);
                    context.Response.AddHeader(header.Key, header.Key == "Location" ? value.Replace(_target.GetLeftPart(UriPartial.Authority), $"http://{LocationAuthority ?? Host}", StringComparison.Ordinal) : value);
                }
            }

            if (Referrers is not null && requestBody is not null && context.Request.HttpMethod == "PUT" && response.IsSuccessStatusCode
                && context.Request.Url!.AbsolutePath.Contains("/manifests/", StringComparison.Ordinal)
                && Referrers.Record(context.Request.Url.AbsolutePath, requestBody, context.Request.ContentType) is { } subject)
            {
                context.Response.AddHeader("OCI-Subject", subject);
            }

            var body = await response.Content.ReadAsByteArrayAsync();
            if (paginate && response.IsSuccessStatusCode)
            {
                body = Paginate(context, body);
            }

            if (fault.Replace is { } replace)
            {
                body = replace(body);
            }

            context.Response.ContentLength64 = fault.ClaimedLength ?? body.Length;
            if (fault.CutAfter is { } cut && context.Request.HttpMethod == "GET" && body.Length > cut)
            {
                await context.Response.OutputStream.WriteAsync(body.AsMemory(0, cut));
                await context.Response.OutputStream.FlushAsync();
                context.Response.Abort(); // the connection drops mid-body
                return;
            }

            if (context.Request.HttpMethod != "HEAD")
            {
                await context.Response.OutputStream.WriteAsync(body.AsMemory(0, (int)Math.Min(body.Length, fault.ClaimedLength ?? body.Length)));
            }

            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            context.Response.Abort();
        }
    }

    /// <summary>Answers one page: tags after <c>last</c> in lexical order, at most <c>n</c>, with a Link to the next page.</summary>
    private static byte[] Paginate(HttpListenerContext context, byte[] body)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject();
        var query = System.Web.HttpUtility.ParseQueryString(context.Request.Url!.Query);
        var n = int.TryParse(query["n"], out var size) ? size : int.MaxValue;
        var last = query["last"];
        var tags = json["tags"]!.AsArray().Select(t => t!.GetValue<string>()).Order(StringComparer.Ordinal)
            .Where(t => last is null || string.CompareOrdinal(t, last) > 0).ToList();
        var page = tags.Take(n).ToList();
        json["tags"] = new System.Text.Json.Nodes.JsonArray([.. page.Select(t => (System.Text.Json.Nodes.JsonNode)t)]);
        if (tags.Count > page.Count)
        {
            context.Response.AddHeader("Link", $"<{context.Request.Url.AbsolutePath}?n={n}&last={Uri.EscapeDataString(page[^1])}>; rel=\"next\"");
        }

        return System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
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
            // Managed HttpListener looks its endpoint up again on Close and can fail to re-bind a port another
            // listener took meanwhile; Stop already released everything this proxy held.
        }

        await _loop.ConfigureAwait(false);
        _upstream.Dispose();
    }
}

/// <summary>What the proxy does to one request.</summary>
internal sealed record Fault
{
    public static Fault None { get; } = new();

    public int? Status { get; init; }

    public int? RetryAfter { get; init; }

    public int? CutAfter { get; init; }

    public long? ClaimedLength { get; init; }

    public Func<byte[], byte[]>? Replace { get; init; }
}
