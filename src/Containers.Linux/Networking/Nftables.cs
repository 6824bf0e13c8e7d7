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
    /// <remarks>
    /// The script and nft's error output go through files, not pipes: a container cloned by another thread at the same
    /// moment holds a copy of every descriptor until it executes its program, and it waits for a start that waits for
    /// these rules, so a pipe's end of file would never come.
    /// </remarks>
    public static async Task ApplyAsync(string script, CancellationToken cancellationToken)
    {
        var scriptPath = Path.Combine(Path.GetTempPath(), $"dotnet-containers-nft-{Guid.NewGuid():N}");
        var errorPath = scriptPath + ".err";
        await File.WriteAllTextAsync(scriptPath, script, cancellationToken).ConfigureAwait(false);
        try
        {
            var start = new ProcessStartInfo("/bin/sh", ["-c", "exec nft -f \"$0\" 2>\"$1\" >/dev/null </dev/null", scriptPath, errorPath])
            {
                UseShellExecute = false,
            };
            using var process = Process.Start(start) ?? throw new NetworkSetupException("writing firewall rules", "nft did not start");
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                var error = File.Exists(errorPath) ? (await File.ReadAllTextAsync(errorPath, cancellationToken).ConfigureAwait(false)).Trim() : string.Empty;
                throw new NetworkSetupException("writing firewall rules", process.ExitCode == 127
                    ? "the nft program is missing (install nftables)"
                    : "nft failed: " + error);
            }
        }
        finally
        {
            File.Delete(scriptPath);
            File.Delete(errorPath);
        }
    }
}
