using Containers.Hosting;
using Microsoft.Extensions.Logging;

namespace Containers.Linux.Roots;

/// <summary>Runs one host-wide pass of <see cref="OrphanedRoots"/> at engine start; skipped when another process's pass holds the host lock for 10 s.</summary>
internal sealed partial class OrphanRecovery(RootOwner owner, Hosting.LinuxRuntimeOptions options, ILogger<OrphanRecovery> logger) : IStoreRecovery
{
    public async Task<int> RecoverAsync(CancellationToken cancellationToken = default)
    {
        // This root's ID first: storage mounts come before any labelled object, and a pass must never take a root
        // that has mounts but no ID yet for a deleted one.
        _ = owner.Label;
        if (!options.ReclaimOrphanedRoots)
        {
            return 0;
        }

        OrphanReclaimResult result;
        try
        {
            result = await OrphanedRoots.ReclaimAtStartAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Networking.NetworkSetupException or IOException or UnauthorizedAccessException)
        {
            // A host without nf_tables, say: the engine still starts; system prune reports the error.
            LogFailed(logger, e);
            return 0;
        }

        if (result.Total > 0 || result.Roots.Count > 0)
        {
            LogReclaimed(logger, result.Total, string.Join(", ", result.Roots), result.Elapsed.TotalMilliseconds);
        }
        else
        {
            LogScanned(logger, result.Elapsed.TotalMilliseconds);
        }

        return result.Total;
    }

    [LoggerMessage(EventId = 190, Level = LogLevel.Information, Message = "Reclaimed {Count} kernel objects of gone roots {Roots} in {Milliseconds:F1} ms")]
    private static partial void LogReclaimed(ILogger logger, int count, string roots, double milliseconds);

    [LoggerMessage(EventId = 192, Level = LogLevel.Warning, Message = "Looking for kernel objects of gone roots failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 191, Level = LogLevel.Debug, Message = "Looked for kernel objects of gone roots in {Milliseconds:F1} ms: none")]
    private static partial void LogScanned(ILogger logger, double milliseconds);
}
