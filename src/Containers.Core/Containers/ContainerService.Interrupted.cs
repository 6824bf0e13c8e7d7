using Containers.Internal;
using Microsoft.Extensions.Logging;

namespace Containers.Containers;

/// <summary>
/// Recovery of what interrupted processes left: operations a killed process began (create, start, remove) are
/// finished or undone, and containers that are no longer running give back the mount and cgroup they still hold.
/// </summary>
internal sealed partial class ContainerService
{
    private ContainerIntents? _intents;

    private ContainerIntents Intents => _intents ??= new ContainerIntents(_store);

    /// <summary>
    /// Finishes what dead processes began: a container whose creation (or <c>run</c>) or removal was interrupted is
    /// removed, one whose start was interrupted is stopped and released, and a directory left without a record (a
    /// create killed before it wrote one) is deleted. Work of a live process is never touched. Returns how many it fixed.
    /// </summary>
    private async Task<int> RecoverInterruptedAsync(CancellationToken cancellationToken)
    {
        var containers = Path.GetDirectoryName(_store.DirectoryOf("x"))!;
        var count = 0;
        foreach (var id in Directory.EnumerateDirectories(containers).Select(Path.GetFileName).OfType<string>().Where(IsContainerId).ToList())
        {
            var hasRecord = File.Exists(Path.Combine(_store.DirectoryOf(id), "container.json"));
            var intents = ReadIntents(id);
            if ((hasRecord && intents.Count == 0) || intents.Any(OwnerAlive))
            {
                continue;
            }

            try
            {
                count += await FinishInterruptedAsync(id, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ContainersException)
            {
                // Another process may be releasing the same leftovers; what is left is retried at the next start.
                LogRecoveryFailed(_logger, id, e);
            }
        }

        return count;
    }

    private async Task<bool> FinishInterruptedAsync(string id, CancellationToken cancellationToken)
    {
        // The container's lock is held by whoever works on it now: a live process that is not done yet.
        using var held = _store.TryLock(id);
        if (held is null)
        {
            return false;
        }

        // A create holds the names lock until its marker is written; a directory without either is a dead create's.
        using var names = await _store.LockNamesAsync(cancellationToken).ConfigureAwait(false);
        var record = await _store.ReadRecordAsync(id, cancellationToken).ConfigureAwait(false);
        var intents = ReadIntents(id);
        if (!Directory.Exists(_store.DirectoryOf(id)) || (record is not null && intents.Count == 0) || intents.Any(OwnerAlive))
        {
            return false; // finished or taken over meanwhile
        }

        var state = await _store.ReadStateAsync(id, cancellationToken).ConfigureAwait(false);
        foreach (var intent in intents)
        {
            _runtime.Signal(intent.Container.Pid, intent.Container.StartTime, Signals.Kill);
            _runtime.Signal(intent.Monitor.Pid, intent.Monitor.StartTime, Signals.Kill);
        }

        var owner = intents.Select(i => i.Owner.Pid).FirstOrDefault();
        if (record is null || intents.Any(i => i.Operation is ContainerOperation.Create or ContainerOperation.Remove))
        {
            if (state.IsRunning)
            {
                _runtime.Signal(state.Pid, state.PidStartTime, Signals.Kill);
            }

            await _networks.ForgetContainerAsync(id, cancellationToken).ConfigureAwait(false);
            await _runtime.DeleteAsync(CgroupsPath(id), cancellationToken).ConfigureAwait(false);
            await _rootfs.RemoveAsync(id, cancellationToken).ConfigureAwait(false);
            if (record is not null)
            {
                await _volumes.ReleaseAsync(record.Options.Mounts, cancellationToken).ConfigureAwait(false);
            }

            _store.Delete(id);
            LogInterruptedRemoved(_logger, id, owner);
            return true;
        }

        // An interrupted start: what it started dies, what it took is given back, the container stays as it was.
        await ReleaseAsync(id, cancellationToken).ConfigureAwait(false);
        var error = $"the process starting it (pid {owner}) died before it finished";
        await _store.WriteStateAsync(id, state.IsRunning
            ? state with { Status = ContainerStatus.Exited, ExitCode = 128 + Signals.Kill, Pid = 0, MonitorPid = 0, FinishedAt = DateTimeOffset.UtcNow, Error = error }
            : state with { Error = error }, cancellationToken).ConfigureAwait(false);
        Intents.End(id, ContainerOperation.Start);
        LogInterruptedStart(_logger, id, owner);
        return true;
    }

    /// <summary>
    /// Gives back the mount and cgroup that containers which are not running still hold (a process killed while it
    /// cleaned up after an exit, an engine disposed with containers it killed), and removes <c>--rm</c> containers
    /// whose owner died before it could. Returns how many it released.
    /// </summary>
    private async Task<int> ReleaseLeftoversAsync(CancellationToken cancellationToken)
    {
        var cgroups = _runtime.ListSandboxes(CgroupParent).ToHashSet(StringComparer.Ordinal);
        var mounts = File.Exists("/proc/self/mountinfo") ? File.ReadAllText("/proc/self/mountinfo") : string.Empty; // small: no thread-pool hop
        var count = 0;
        foreach (var record in await _store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            var state = await _store.ReadStateAsync(record.Id, cancellationToken).ConfigureAwait(false);
            var orphanedAutoRemove = record.Options.AutoRemove && state.StartedAt is not null && !OwnerAlive(state.OwnerPid);
            var holds = cgroups.Contains(CgroupsPath(record.Id)) || mounts.Contains(record.Id, StringComparison.Ordinal);
            if (state.IsRunning || _running.ContainsKey(record.Id) || !(holds || orphanedAutoRemove))
            {
                continue;
            }

            using (var held = _store.TryLock(record.Id))
            {
                state = await _store.ReadStateAsync(record.Id, cancellationToken).ConfigureAwait(false);
                if (held is null || state.IsRunning || ReadIntents(record.Id).Count > 0 || !Directory.Exists(_store.DirectoryOf(record.Id)))
                {
                    continue;
                }

                try
                {
                    await ReleaseAsync(record.Id, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ContainersException)
                {
                    LogRecoveryFailed(_logger, record.Id, e);
                    continue;
                }
            }

            count++;
            if (orphanedAutoRemove)
            {
                try
                {
                    await RemoveAsync(record.Id, force: true, removeVolumes: true, cancellationToken).ConfigureAwait(false);
                }
                catch (ContainerNotFoundException)
                {
                    // Another process removed it first.
                }
            }
        }

        return count;
    }

    /// <summary>Gives back what a container that is not running holds: network addresses, cgroup, root filesystem mount.</summary>
    private async Task ReleaseAsync(string id, CancellationToken cancellationToken)
    {
        await _networks.DetachContainerAsync(id, cancellationToken).ConfigureAwait(false);
        await _runtime.DeleteAsync(CgroupsPath(id), cancellationToken).ConfigureAwait(false);
        await _rootfs.UnmountAsync(id, cancellationToken).ConfigureAwait(false);
    }

    private List<ContainerIntent> ReadIntents(string id) =>
        new[] { ContainerOperation.Create, ContainerOperation.Start, ContainerOperation.Remove }
            .Select(operation => Intents.Read(id, operation))
            .OfType<ContainerIntent>()
            .ToList();

    private bool OwnerAlive(ContainerIntent intent) =>
        intent.Owner == ProcessIdentity.Current || (intent.Owner.Pid > 0 && _runtime.IsAlive(intent.Owner.Pid, intent.Owner.StartTime));

    private bool OwnerAlive(int pid) => pid == Environment.ProcessId || (pid > 0 && _runtime.IsAlive(pid, 0));

    private static bool IsContainerId(string name) => name.Length == 64 && name.All(Uri.IsHexDigit);

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Removed container {Id}: the process creating or removing it (pid {Owner}) died midway")]
    private static partial void LogInterruptedRemoved(ILogger logger, string id, int owner);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "Recovering container {Id} failed; the next engine start retries")]
    private static partial void LogRecoveryFailed(ILogger logger, string id, Exception exception);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Stopped and released container {Id}: the process starting it (pid {Owner}) died midway")]
    private static partial void LogInterruptedStart(ILogger logger, string id, int owner);
}
