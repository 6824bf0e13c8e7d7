using System.Globalization;
using System.Net;

namespace Containers.Networks;

/// <summary>
/// Publishes a container port on the host, as <c>-p [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/tcp|/udp]</c> does. A host port
/// of 0 asks for a free one; the engine reports the port it chose through <see cref="INetworkService.GetPortsAsync"/>.
/// </summary>
public sealed record PortBinding
{
    /// <summary>Gets the container port.</summary>
    public required int ContainerPort { get; init; }

    /// <summary>Gets the host port; 0 picks a free one when the container starts.</summary>
    public int HostPort { get; init; }

    /// <summary>Gets the host address to accept connections on; <c>0.0.0.0</c> (the default) is every address, loopback included.</summary>
    public string HostIp { get; init; } = "0.0.0.0";

    /// <summary>Gets the protocol: <c>tcp</c> (the default) or <c>udp</c>.</summary>
    public string Protocol { get; init; } = "tcp";

    /// <summary>Parses a <c>-p</c> value: <c>8080:80</c>, <c>80</c>, <c>127.0.0.1:8080:80/udp</c>, <c>127.0.0.1::80</c>.</summary>
    /// <exception cref="InvalidPortSpecificationException">The value is malformed or a port is outside 1..65535.</exception>
    public static PortBinding Parse(string specification)
    {
        ArgumentNullException.ThrowIfNull(specification);
        var text = specification;
        var protocol = "tcp";
        var slash = text.LastIndexOf('/');
        if (slash >= 0)
        {
            protocol = text[(slash + 1)..].ToLowerInvariant();
            text = text[..slash];
            if (protocol is not ("tcp" or "udp"))
            {
                throw new InvalidPortSpecificationException(specification, $"unsupported protocol '{protocol}'");
            }
        }

        var parts = text.Split(':');
        var (hostIp, hostPort, containerPort) = parts.Length switch
        {
            1 => ("0.0.0.0", string.Empty, parts[0]),
            2 => ("0.0.0.0", parts[0], parts[1]),
            3 => (parts[0], parts[1], parts[2]),
            _ => throw new InvalidPortSpecificationException(specification, "too many colons (IPv6 host addresses are not supported)"),
        };
        if (parts.Length == 3 && (!IPAddress.TryParse(hostIp, out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork))
        {
            throw new InvalidPortSpecificationException(specification, $"'{hostIp}' is not an IPv4 address");
        }

        return new PortBinding
        {
            ContainerPort = ParsePort(specification, containerPort, allowZero: false),
            HostPort = hostPort.Length == 0 ? 0 : ParsePort(specification, hostPort, allowZero: false),
            HostIp = hostIp,
            Protocol = protocol,
        };
    }

    /// <summary>Formats the binding as <c>docker port</c> prints it: <c>80/tcp -&gt; 0.0.0.0:32768</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{ContainerPort}/{Protocol} -> {HostIp}:{HostPort}");

    private static int ParsePort(string specification, string text, bool allowZero)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535 || (port == 0 && !allowZero))
        {
            throw new InvalidPortSpecificationException(specification, $"'{text}' is not a port number between 1 and 65535 (ranges are not supported)");
        }

        return port;
    }
}
