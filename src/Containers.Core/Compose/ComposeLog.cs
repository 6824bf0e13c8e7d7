using Microsoft.Extensions.Logging;

namespace Containers.Compose;

/// <summary>The orchestrator's log messages.</summary>
internal static partial class ComposeLog
{
    [LoggerMessage(EventId = 170, Level = LogLevel.Information, Message = "Project {Project}: created network {Network}")]
    public static partial void NetworkCreated(ILogger logger, string project, string network);

    [LoggerMessage(EventId = 171, Level = LogLevel.Information, Message = "Project {Project}: created volume {Volume}")]
    public static partial void VolumeCreated(ILogger logger, string project, string volume);

    [LoggerMessage(EventId = 172, Level = LogLevel.Information, Message = "Project {Project}: building {Image} for service {Service}")]
    public static partial void Building(ILogger logger, string project, string service, string image);

    [LoggerMessage(EventId = 173, Level = LogLevel.Information, Message = "Project {Project}: started {Container}")]
    public static partial void Started(ILogger logger, string project, string container);

    [LoggerMessage(EventId = 174, Level = LogLevel.Information, Message = "Project {Project}: {Service} is {Condition}")]
    public static partial void ConditionMet(ILogger logger, string project, string service, string condition);

    [LoggerMessage(EventId = 175, Level = LogLevel.Information, Message = "Project {Project}: removed {What} {Name}")]
    public static partial void Removed(ILogger logger, string project, string what, string name);

    [LoggerMessage(EventId = 176, Level = LogLevel.Information, Message = "Project {Project}: recreating {Container}: its service changed")]
    public static partial void Recreating(ILogger logger, string project, string container);
}
