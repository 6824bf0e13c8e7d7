using Microsoft.Extensions.Logging;

namespace Containers.Networks;

/// <summary>The network service's log messages about published ports.</summary>
internal sealed partial class NetworkService
{
    private static void LogPublished(ILogger logger, string containerId, string network, IReadOnlyList<PortBinding> ports)
    {
        foreach (var port in ports)
        {
            LogPortPublished(logger, port.HostIp, port.HostPort, port.ContainerPort, port.Protocol, containerId, network);
        }
    }

    [LoggerMessage(EventId = 43, Level = LogLevel.Information, Message = "Published {HostIp}:{HostPort} to port {ContainerPort}/{Protocol} of container {Id} on network {Network}")]
    private static partial void LogPortPublished(ILogger logger, string hostIp, int hostPort, int containerPort, string protocol, string id, string network);
}
