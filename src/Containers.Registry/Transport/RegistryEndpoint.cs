using System.Net;

namespace Containers.Registry.Transport;

/// <summary>Decides how to reach a registry host: https, or plain http for loopback and configured insecure registries.</summary>
internal static class RegistryEndpoint
{
    public static Uri BaseUri(string host, RegistryClientOptions options)
    {
        var hostName = host.StartsWith('[') ? host[..(host.IndexOf(']', StringComparison.Ordinal) + 1)] : host.Split(':')[0];
        var plain = IsLoopback(hostName.Trim('[', ']')) || options.InsecureRegistries.Contains(host);
        var actual = host == "docker.io" ? "registry-1.docker.io" : host;
        return new Uri((plain ? "http://" : "https://") + actual + "/");
    }

    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
