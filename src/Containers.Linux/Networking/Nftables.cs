using System.Diagnostics;
using System.Globalization;
using System.Text;
using Containers.Networks;

namespace Containers.Linux.Networking;

/// <summary>
/// Renders one root's whole firewall as a single nftables table and replaces it atomically: outbound masquerade,
/// isolation between networks, and DNAT for published ports (from outside, and from the host itself, loopback included).
/// </summary>
/// <remarks>
/// The rules go through the <c>nft</c> binary in one transaction: encoding nftables' netlink expressions by hand was
/// not feasible in the time available, while links, addresses and routes use rtnetlink directly. Regenerating the
/// whole table from the network files makes removal and crash recovery the same operation as any change.
/// </remarks>
internal static class Nftables
{
    public static string Render(string table, IReadOnlyList<NetworkDetails> networks)
    {
        var s = new StringBuilder();
        s.Append("table ip ").Append(table).Append('\n');
        s.Append("delete table ip ").Append(table).Append('\n');
        if (networks.Count == 0)
        {
            return s.ToString();
        }

        s.Append("table ip ").Append(table).Append(" {\n");
        var ports = new StringBuilder();
        foreach (var network in networks.Where(n => !n.Internal))
        {
            foreach (var endpoint in network.Endpoints.Where(e => e.Address is not null))
            {
                foreach (var port in endpoint.Ports)
                {
                    var match = port.HostIp == "0.0.0.0" ? "fib daddr type local" : "ip daddr " + port.HostIp;
                    ports.Append(CultureInfo.InvariantCulture, $"    {match} {port.Protocol} dport {port.HostPort} dnat to {endpoint.Address}:{port.ContainerPort}\n");
                }
            }
        }

        s.Append("  chain ports {\n").Append(ports).Append("  }\n");
        s.Append("  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n    jump ports\n  }\n");
        s.Append("  chain output {\n    type nat hook output priority -100; policy accept;\n    jump ports\n  }\n");
        s.Append("  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n");
        foreach (var network in networks)
        {
            // Connections from the host's loopback to a published port leave with a loopback source the container cannot answer.
            s.Append(CultureInfo.InvariantCulture, $"    oifname \"{network.BridgeName}\" ip saddr 127.0.0.0/8 masquerade\n");
            if (!network.Internal)
            {
                s.Append(CultureInfo.InvariantCulture, $"    ip saddr {network.Subnet} oifname != \"{network.BridgeName}\" masquerade\n");
            }
        }

        s.Append("  }\n");
        s.Append("  chain forward {\n    type filter hook forward priority filter; policy accept;\n");
        foreach (var network in networks)
        {
            // Networks isolate: nothing is routed from one engine bridge to another, of this root or any other.
            s.Append(CultureInfo.InvariantCulture, $"    iifname \"{network.BridgeName}\" oifname \"dc*\" oifname != \"{network.BridgeName}\" drop\n");
            if (network.Internal)
            {
                s.Append(CultureInfo.InvariantCulture, $"    iifname \"{network.BridgeName}\" oifname != \"{network.BridgeName}\" drop\n");
                s.Append(CultureInfo.InvariantCulture, $"    oifname \"{network.BridgeName}\" iifname != \"{network.BridgeName}\" drop\n");
            }
        }

        s.Append("  }\n}\n");
        return s.ToString();
    }

    /// <summary>Applies a script in one nftables transaction.</summary>
    public static async Task ApplyAsync(string script, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("nft", ["-f", "-"])
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new NetworkSetupException("writing firewall rules", "nft did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new NetworkSetupException("writing firewall rules", "the nft program is missing (install nftables): " + e.Message);
        }

        using (process)
        {
            await process.StandardInput.WriteAsync(script.AsMemory(), cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new NetworkSetupException("writing firewall rules", "nft failed: " + (await error.ConfigureAwait(false)).Trim());
            }
        }
    }
}
