using Microsoft.Extensions.Logging;

namespace Containers.Containers;

/// <summary>
/// Undoing a <c>create</c> or <c>run</c> that failed or was cancelled: nothing of the container may remain (record,
/// mount, cgroup, network attachment, anonymous volume), and the error names the container it was for.
/// </summary>
internal sealed partial class ContainerService
{
    /// <summary>Removes whatever exists of a container whose create or run failed; never throws, since the caller is already failing.</summary>
    private async Task DiscardAsync(string id, IReadOnlyList<Volumes.ContainerMount>? mounts)
    {
        try
        {
            if (await _store.ReadRecordAsync(id, CancellationToken.None).ConfigureAwait(false) is not null)
            {
                await RemoveAsync(id, force: true, removeVolumes: true, CancellationToken.None).ConfigureAwait(false);
                return;
            }

            // The record was never written: release what create claimed before it.
            await _networks.ForgetContainerAsync(id, CancellationToken.None).ConfigureAwait(false);
            _store.Delete(id);
            await _volumes.ReleaseAsync(mounts ?? [], CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ContainersException or IOException or UnauthorizedAccessException)
        {
            LogDiscardFailed(_logger, id, e);
        }
    }

    /// <summary>Returns the error to throw for a failed run of the container: the engine's own error naming it, or one wrapping the cause.</summary>
    private static Exception NameContainer(Exception error, string id, string name, CancellationToken cancellationToken) => error switch
    {
        ContainersException engine => engine.ForContainer(id, name),
        OperationCanceledException => new OperationCanceledException(
            $"container {name} ({id[..12]}): the run was cancelled and the container removed", error, cancellationToken),
        _ => new ContainerRunException(id, name, error),
    };

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "Could not remove container {Id} after its create or run failed")]
    private static partial void LogDiscardFailed(ILogger logger, string id, Exception exception);
}
