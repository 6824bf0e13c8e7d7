using Microsoft.Extensions.Logging;

namespace Containers.Containers;

/// <summary>The container service's log messages about starts (creation and exits are logged where they happen).</summary>
internal sealed partial class ContainerService
{
    [LoggerMessage(EventId = 15, Level = LogLevel.Information, Message = "Started container {Id} (pid {Pid})")]
    private static partial void LogStarted(ILogger logger, string id, int pid);
}
