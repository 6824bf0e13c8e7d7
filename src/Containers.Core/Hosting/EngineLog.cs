using Microsoft.Extensions.Logging;

namespace Containers.Hosting;

/// <summary>The engine's own log messages: what crash recovery reclaimed.</summary>
internal static partial class EngineLog
{
    /// <summary>Names a recovery for the log: <c>ContainerRecovery</c> reclaims containers, and so on.</summary>
    public static string Describe(IStoreRecovery recovery) => recovery.GetType().Name switch
    {
        nameof(ContainerRecovery) => "containers (dead processes, mounts, cgroups)",
        nameof(NetworkRecovery) => "network endpoints and published ports",
        nameof(ContentStoreRecovery) => "abandoned content writes",
        nameof(BuildRecovery) => "scratch directories of killed builds",
        var other => other,
    };

    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "Recovery of {Root} reclaimed {Count} leftovers of crashed processes: {What}")]
    public static partial void Reclaimed(ILogger logger, string root, int count, string what);

    [LoggerMessage(EventId = 61, Level = LogLevel.Debug, Message = "Recovery of {Root} found nothing to reclaim: {What}")]
    public static partial void NothingToReclaim(ILogger logger, string root, string what);
}
