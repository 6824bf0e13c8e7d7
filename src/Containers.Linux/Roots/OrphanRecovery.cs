using Containers.Hosting;
using Microsoft.Extensions.Logging;

namespace Containers.Linux.Roots;

/// <summary>Runs one host-wide pass of <see cref="OrphanedRoots"/> at engine start; skipped when another process's pass holds the host lock for 10 s.</summary>
internal sealed partial class OrphanRecovery(RootOwner owner, ILogger<OrphanRecovery> logger) : IStoreRecovery
{
    public async Task<int> RecoverAsync(CancellationToken cancellationToken = default)
    {
        // This root's ID first: storage mounts come before any labelled object, and a pass must never take a root
        // that has mounts but no ID yet for a deleted one.
        _ = owner.Label;
        var result = await OrphanedRoots.ReclaimAtStartAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
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

    [LoggerMessage(EventId = 191, Level = LogLevel.Debug, Message = "Looked for kernel objects of gone roots in {Milliseconds:F1} ms: none")]
    private static partial void LogScanned(ILogger logger, double milliseconds);
}
