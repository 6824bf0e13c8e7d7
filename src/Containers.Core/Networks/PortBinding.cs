using System.Globalization;
using System.Net;

namespace Containers.Networks;

/// <summary>
/// Publishes a container port on the host, as <c>-p [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/tcp|/udp]</c> does. A host port
/// of 0 asks for a free one, a host range for a free one in it; the engine reports the port it chose through
/// <see cref="INetworkService.GetPortsAsync"/>.
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

    /// <summary>
    /// Gets the last port of a host range the engine chooses a free port from (<c>-p 8000-8010:80</c>), with
    /// <see cref="HostPort"/> its first; 0 when <see cref="HostPort"/> is exact, or 0 for any free port.
    /// </summary>
    public int HostPortEnd { get; init; }

    /// <summary>Parses a <c>-p</c> value naming one port: <c>8080:80</c>, <c>80</c>, <c>127.0.0.1:8080:80/udp</c>, <c>127.0.0.1::80</c>, <c>8000-8010:80</c>.</summary>
    /// <exception cref="InvalidPortSpecificationException">The value is malformed, a port is outside 1..65535, or it names several container ports (use <see cref="ParseAll"/>).</exception>
    public static PortBinding Parse(string specification)
    {
        var bindings = ParseAll(specification);
        return bindings.Count == 1
            ? bindings[0]
            : throw new InvalidPortSpecificationException(specification, "it publishes a range of container ports; parse it with ParseAll");
    }

    /// <summary>
    /// Parses a <c>-p</c> value that may publish a range, as Docker does: <c>8000-8002:80-82</c> pairs the ports,
    /// <c>80-82</c> publishes each on a free host port, and <c>8000-8010:80</c> takes a free host port of the range.
    /// </summary>
    /// <exception cref="InvalidPortSpecificationException">The value is malformed, a port is outside 1..65535, a range runs backwards, or the two ranges differ in length.</exception>
    public static IReadOnlyList<PortBinding> ParseAll(string specification)
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
        var (hostIp, hostPorts, containerPorts) = parts.Length switch
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

        var (first, last) = ParseRange(specification, containerPorts);
        var (hostFirst, hostLast) = hostPorts.Length == 0 ? (0, 0) : ParseRange(specification, hostPorts);
        var count = last - first + 1;
        if (count == 1)
        {
            return [new PortBinding { ContainerPort = first, HostPort = hostFirst, HostPortEnd = hostLast > hostFirst ? hostLast : 0, HostIp = hostIp, Protocol = protocol }];
        }

        if (hostPorts.Length != 0 && hostLast - hostFirst + 1 != count)
        {
            throw new InvalidPortSpecificationException(specification, $"the host range has {hostLast - hostFirst + 1} ports and the container range {count}");
        }

        return Enumerable.Range(0, count)
            .Select(i => new PortBinding { ContainerPort = first + i, HostPort = hostPorts.Length == 0 ? 0 : hostFirst + i, HostIp = hostIp, Protocol = protocol })
            .ToList();
    }

    /// <summary>Formats the binding as <c>docker port</c> prints it: <c>80/tcp -&gt; 0.0.0.0:32768</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{ContainerPort}/{Protocol} -> {HostIp}:{HostPort}");

    /// <summary>Returns the text in the form the parser reads, so a typed binding can be checked as a <c>-p</c> value would be.</summary>
    internal string ToSpecification() => string.Create(
        CultureInfo.InvariantCulture,
        $"{HostIp}:{(HostPort == 0 ? string.Empty : HostPortEnd > 0 ? $"{HostPort}-{HostPortEnd}" : HostPort)}:{ContainerPort}/{Protocol}");

    private static (int First, int Last) ParseRange(string specification, string text)
    {
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var first = ParsePort(specification, dash < 0 ? text : text[..dash]);
        var last = dash < 0 ? first : ParsePort(specification, text[(dash + 1)..]);
        return last >= first ? (first, last) : throw new InvalidPortSpecificationException(specification, $"the range {text} runs backwards");
    }

    private static int ParsePort(string specification, string text)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is 0 or > 65535)
        {
            throw new InvalidPortSpecificationException(specification, $"'{text}' is not a port number between 1 and 65535");
        }

        return port;
    }
}
