using System.Net.Sockets;

/// <summary>
/// Forwards a Unix socket to Docker's, rewriting the API version in request paths from <c>/v1.44</c> to <c>/v1.41</c>:
/// Testcontainers 4.x asks for API 1.44 and Debian 12's docker.io (20.10) serves at most 1.41; the calls it makes for a
/// PostgreSQL fixture (create, start, inspect, exec, stop, remove) are the same in both. The rewrite keeps every
/// length, so request bodies and keep-alive framing are untouched.
/// </summary>
internal static class DockerApiVersionProxy
{
    private static readonly byte[] From = "/v1.44"u8.ToArray();

    public static async Task RunAsync(string listenPath, string dockerPath)
    {
        File.Delete(listenPath);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(listenPath));
        listener.Listen(64);
        while (true)
        {
            var client = await listener.AcceptAsync();
            _ = ForwardAsync(client, dockerPath);
        }
    }

    private static async Task ForwardAsync(Socket client, string dockerPath)
    {
        try
        {
            using (client)
            using (var docker = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            {
                await docker.ConnectAsync(new UnixDomainSocketEndPoint(dockerPath));
                await Task.WhenAll(CopyAsync(client, docker, rewrite: true), CopyAsync(docker, client, rewrite: false));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // one side went away: the other sees its connection close
        }
    }

    private static async Task CopyAsync(Socket source, Socket destination, bool rewrite)
    {
        var buffer = new byte[64 * 1024];
        var matched = 0;
        try
        {
            int read;
            while ((read = await source.ReceiveAsync(buffer)) > 0)
            {
                for (var i = 0; rewrite && i < read; i++)
                {
                    matched = buffer[i] == From[matched] ? matched + 1 : (buffer[i] == From[0] ? 1 : 0);
                    if (matched == From.Length)
                    {
                        buffer[i] = (byte)'1'; // the last digit: /v1.44 becomes /v1.41
                        matched = 0;
                    }
                }

                await destination.SendAsync(buffer.AsMemory(0, read));
            }

            destination.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            destination.Close();
        }
    }
}
