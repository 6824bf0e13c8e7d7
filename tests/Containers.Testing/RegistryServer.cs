using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Containers.Testing;

/// <summary>
/// Runs Debian's <c>docker-registry</c> (the CNCF distribution registry) on 127.0.0.1 with an OS-chosen port, in a
/// scratch directory, optionally with htpasswd Basic auth, TLS or token auth; stops it and deletes its data on dispose.
/// </summary>
public sealed class RegistryServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _directory;

    private RegistryServer(Process process, TempDirectory directory, int port, bool tls)
    {
        _process = process;
        _directory = directory;
        Port = port;
        Host = $"127.0.0.1:{port}";
        BaseUri = new Uri($"{(tls ? "https" : "http")}://127.0.0.1:{port}/");
    }

    public int Port { get; }

    /// <summary>Gets the registry as image references name it (<c>127.0.0.1:PORT</c>).</summary>
    public string Host { get; }

    public Uri BaseUri { get; }

    /// <summary>
    /// Starts a registry; <paramref name="authSection"/> and <paramref name="tlsSection"/> are YAML blocks written into its
    /// configuration, in which <c>{dir}</c> stands for the registry's scratch directory; <paramref name="prepare"/> writes files there first.
    /// </summary>
    public static async Task<RegistryServer> StartAsync(string? authSection = null, string? tlsSection = null, Action<TempDirectory>? prepare = null)
    {
        var directory = new TempDirectory("registry");
        prepare?.Invoke(directory);
        var port = FreePort();
        var config = $"""
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: {directory.Combine("data")}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{port}
            """ + "\n" + Indent(tlsSection, "  ") + "\n" + (authSection ?? string.Empty) + "\n";
        File.WriteAllText(directory.Combine("config.yml"), config.Replace("{dir}", directory.Path, StringComparison.Ordinal));
        var start = new ProcessStartInfo(ExternalTool.Require("docker-registry"), ["serve", directory.Combine("config.yml")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // docker-registry reads REGISTRY_* variables as configuration; Podman's REGISTRY_AUTH_FILE must not become auth.file.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("REGISTRY_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        var server = new RegistryServer(process, directory, port, tlsSection is not null);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await server.IsListeningAsync())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"docker-registry did not start: {await errors}");
            }

            await Task.Delay(50);
        }

        return server;
    }

    private static string Indent(string? text, string indent) =>
        text is null ? string.Empty : string.Join('\n', text.Split('\n').Select(l => indent + l));

    private async Task<bool> IsListeningAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Asks the OS for a free port on loopback.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _directory.Dispose();
    }
}
