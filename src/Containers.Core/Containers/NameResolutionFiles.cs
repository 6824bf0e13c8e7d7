using System.Net;
using System.Text;

namespace Containers.Containers;

/// <summary>
/// The <c>/etc/hosts</c> and <c>/etc/resolv.conf</c> the engine gives a container: Docker's layout, the container's
/// own names, peers on its networks, <c>--add-host</c> entries and <c>--dns*</c> settings.
/// </summary>
internal static class NameResolutionFiles
{
    /// <summary>The <c>--add-host</c> address that stands for the host.</summary>
    public const string HostGateway = "host-gateway";

    /// <summary>Refuses malformed <c>--add-host</c> and <c>--dns*</c> values, and <c>host-gateway</c> without a way to the host.</summary>
    /// <exception cref="InvalidContainerConfigurationException">A value is malformed.</exception>
    public static void Validate(ContainerCreateOptions options)
    {
        foreach (var entry in options.ExtraHosts)
        {
            var (name, address) = SplitHost(entry);
            if (address == HostGateway && options.Network == "none")
            {
                throw new InvalidContainerConfigurationException("add-host", $"'{entry}' needs a network to reach the host by, not network mode none");
            }

            if (address != HostGateway && !IsAddress(address))
            {
                throw new InvalidContainerConfigurationException("add-host", $"'{entry}': '{address}' is not an IP address or {HostGateway}");
            }

            if (name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || c == '#'))
            {
                throw new InvalidContainerConfigurationException("add-host", $"'{entry}': '{name}' is not a host name");
            }
        }

        foreach (var server in options.Dns.Where(s => !IsAddress(s)))
        {
            throw new InvalidContainerConfigurationException("dns", $"'{server}' is not an IP address");
        }

        foreach (var word in options.DnsSearch.Concat(options.DnsOptions).Where(w => w.Length == 0 || w.Any(char.IsWhiteSpace)))
        {
            throw new InvalidContainerConfigurationException("dns-search", $"'{word}' is not a single word");
        }
    }

    /// <summary>Returns the hosts file: localhost, then <c>--add-host</c> entries, then the container's own and its peers' names.</summary>
    /// <param name="hostname">The container's host name.</param>
    /// <param name="address">The container's own address; <see langword="null"/> without a bridge network.</param>
    /// <param name="gateway">What <c>host-gateway</c> means for this container.</param>
    /// <param name="extraHosts">The <c>--add-host</c> entries.</param>
    /// <param name="peers">Lines for other containers on its networks.</param>
    public static string Hosts(string hostname, string? address, string gateway, IReadOnlyList<string> extraHosts, IEnumerable<string> peers)
    {
        var text = new StringBuilder("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        foreach (var (name, target) in extraHosts.Select(SplitHost))
        {
            text.Append(target == HostGateway ? gateway : target).Append('\t').Append(name).Append('\n');
        }

        text.Append(address ?? "127.0.1.1").Append('\t').Append(hostname).Append('\n');
        foreach (var peer in peers)
        {
            text.Append(peer).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// Returns the resolver configuration: the host's, with each of name servers, search domains and options replaced
    /// when the container sets its own. A bridged container loses the host's loopback name servers, which it cannot
    /// reach from its namespace, and gets Google's public ones when none are left, as Docker does.
    /// </summary>
    public static string ResolvConf(string hostResolvConf, ContainerCreateOptions options, bool bridged)
    {
        var lines = hostResolvConf.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        var servers = options.Dns.Count > 0
            ? options.Dns.ToList()
            : lines.Select(Value("nameserver")).OfType<string>().Where(s => !bridged || !(s.StartsWith("127.", StringComparison.Ordinal) || s == "::1")).ToList();
        if (servers.Count == 0 && bridged)
        {
            servers = ["8.8.8.8", "8.8.4.4"];
        }

        var text = new StringBuilder();
        foreach (var line in lines.Where(l => !IsKey(l, "nameserver") && !(options.DnsSearch.Count > 0 && (IsKey(l, "search") || IsKey(l, "domain"))) && !(options.DnsOptions.Count > 0 && IsKey(l, "options"))))
        {
            text.Append(line).Append('\n');
        }

        foreach (var server in servers)
        {
            text.Append("nameserver ").Append(server).Append('\n');
        }

        if (options.DnsSearch.Count > 0)
        {
            text.Append("search ").AppendJoin(' ', options.DnsSearch).Append('\n');
        }

        if (options.DnsOptions.Count > 0)
        {
            text.Append("options ").AppendJoin(' ', options.DnsOptions).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Accepts IPv4 in dotted quads and IPv6, not the shorthand forms (<c>8.8.8</c>) inet_aton would.</summary>
    private static bool IsAddress(string text) =>
        IPAddress.TryParse(text, out var address) && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || text.Count(c => c == '.') == 3);

    private static (string Name, string Address) SplitHost(string entry)
    {
        var colon = entry.IndexOf(':', StringComparison.Ordinal);
        return colon < 0
            ? throw new InvalidContainerConfigurationException("add-host", $"'{entry}' is not NAME:ADDRESS")
            : (entry[..colon], entry[(colon + 1)..]);
    }

    private static bool IsKey(string line, string key) =>
        line.StartsWith(key, StringComparison.Ordinal) && line.Length > key.Length && char.IsWhiteSpace(line[key.Length]);

    private static Func<string, string?> Value(string key) => line =>
        IsKey(line, key) && line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries) is [_, var value, ..] ? value : null;
}
