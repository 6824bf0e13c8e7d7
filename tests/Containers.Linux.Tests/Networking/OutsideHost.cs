using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Containers.Hosting;
using Containers.Linux.Networking;
using Containers.Networks;
using Containers.Testing;

namespace Containers.Linux.Tests.Networking;

/// <summary>
/// A stand-in for the outside world that the test makes itself: a network namespace, joined to the host by a veth pair
/// on a /24 of the benchmarking range that no host route uses, with an HTTP server that answers with the address it sees
/// the request come from.
/// </summary>
internal sealed class OutsideHost : IAsyncDisposable
{
    private readonly Process _namespace;
    private readonly TcpListener _listener;
    private readonly Task _serving;

    private OutsideHost(Process @namespace, TcpListener listener, string address, string hostAddress)
    {
        _namespace = @namespace;
        _listener = listener;
        Address = address;
        HostAddress = hostAddress;
        _serving = ServeAsync();
    }

    /// <summary>Gets the outside host's address.</summary>
    public string Address { get; }

    /// <summary>Gets the host's address on the link to it.</summary>
    public string HostAddress { get; }

    public static async Task<OutsideHost> StartAsync()
    {
        // A machine's own network may well be a documentation range (this one's is 192.0.2.0/24): never take a routed one.
        var taken = new BridgeDriver(new global::Containers.Hosting.StoreLayout("/nonexistent")).HostSubnets();
        var subnet = Enumerable.Range(0, 512).Select(i => Ipv4Subnet.Create(Ipv4Subnet.ParseAddress("198.18.0.0") + ((uint)Random.Shared.Next(512) << 8), 24))
            .First(candidate => !taken.Any(candidate.Overlaps));
        var hostAddress = Ipv4Subnet.FormatAddress(subnet.Network + 1);
        var address = Ipv4Subnet.FormatAddress(subnet.Network + 2);
        // The namespace lives as long as this process; the veth pair dies with it.
        var process = Process.Start(new ProcessStartInfo("unshare", ["--net", "sleep", "600"]) { UseShellExecute = false })!;
        try
        {
            var pid = process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WaitForOwnNamespaceAsync(process.Id);

            // Not named dc*: the engine's isolation rules treat those as its bridges.
            var hostEnd = "tout" + Guid.NewGuid().ToString("N")[..8];
            await RunAsync("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", "eth0", "netns", pid);
            await RunAsync("ip", "addr", "add", hostAddress + "/24", "dev", hostEnd);
            await RunAsync("ip", "link", "set", hostEnd, "up");
            await RunAsync("nsenter", "-t", pid, "-n", "sh", "-c", $"ip addr add {address}/24 dev eth0 && ip link set eth0 up && ip link set lo up");

            // A socket belongs to the namespace it was created in, whichever thread uses it later.
            TcpListener? listener = null;
            await NetworkNamespace.RunAsync(process.Id, () =>
            {
                listener = new TcpListener(IPAddress.Parse(address), 8080);
                listener.Start();
            });
            return new OutsideHost(process, listener!, address, hostAddress);
        }
        catch
        {
            process.Kill();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _namespace.Kill();
        await _namespace.WaitForExitAsync();
        await _serving;
        _namespace.Dispose();
    }

    private async Task ServeAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            using (client)
            {
                var stream = client.GetStream();
                var buffer = new byte[4096];
                _ = await stream.ReadAsync(buffer);
                var body = "seen from " + ((IPEndPoint)client.Client.RemoteEndPoint!).Address;
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.0 200 OK\r\nContent-Length: {body.Length}\r\n\r\n{body}"));
            }
        }
    }

    internal static async Task WaitForOwnNamespaceAsync(int pid)
    {
        var mine = File.ResolveLinkTarget("/proc/self/ns/net", false)?.ToString();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var theirs = File.ResolveLinkTarget($"/proc/{pid}/ns/net", false)?.ToString();
            if (theirs is not null && theirs != mine && File.ReadAllText($"/proc/{pid}/comm").Trim() == "sleep")
            {
                return;
            }

            await Task.Delay(10);
        }

        throw new InvalidOperationException("unshare did not make its network namespace");
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var result = await ExternalTool.RunAsync(program, arguments);
        result.ExitCode.Should().Be(0, $"{program} {string.Join(' ', arguments)}: {result.Stderr}");
    }
}
