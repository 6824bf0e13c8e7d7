using System.Net;

namespace Containers.Registry.Tests;

/// <summary>
/// An HTTP proxy on loopback in front of a registry that misbehaves on purpose: answers 503 or 429, cuts a blob off
/// mid-body, or lies about it; <see cref="Fault"/> decides per request.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private readonly Uri _target;
    private readonly Task _loop;

    public FaultProxy(Uri target)
    {
        _target = target;
        for (var attempt = 0; ; attempt++)
        {
            // A port the OS just named free may be taken again before the listener binds it; try another.
            Port = Testing.RegistryServer.FreePort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 10)
            {
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
        var fault = Policy(number, context.Request);
        try
        {
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

            using var request = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), new Uri(_target, context.Request.RawUrl));
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
                    context.Response.AddHeader(header.Key, string.Join(",", header.Value));
                }
            }

            var body = await response.Content.ReadAsByteArrayAsync();
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

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
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
