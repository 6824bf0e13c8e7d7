using System.Net;

namespace Containers.Registry.Transport;

/// <summary>Names a registry host's address; whether plain HTTP is allowed is decided here too.</summary>
internal static class RegistryEndpoint
{
    /// <summary>Returns <c>https://host/</c> or <c>http://host/</c> (Docker Hub's API host for <c>docker.io</c>).</summary>
    public static Uri BaseUri(string host, bool secure) =>
        new((secure ? "https://" : "http://") + (host == "docker.io" ? "registry-1.docker.io" : host) + "/");

    /// <summary>Tells whether a host may be reached over plain HTTP: loopback registries, as Docker allows, and configured insecure ones.</summary>
    public static bool AllowsPlainHttp(string host, RegistryClientOptions options)
    {
        var hostName = host.StartsWith('[') ? host[1..host.IndexOf(']', StringComparison.Ordinal)] : host.Split(':')[0];
        return IsLoopback(hostName) || options.InsecureRegistries.Contains(host);
    }

    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
