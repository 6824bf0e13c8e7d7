using Containers.Oci.Runtime;
using Microsoft.Extensions.Logging;

namespace Containers.Containers;

/// <summary>
/// Detached containers: a monitor process parents them, writes their log and records their exit code in a file, so
/// any process using the root learns how they ended, even when none was watching.
/// </summary>
internal sealed partial class ContainerService
{
    private string ExitPath(string id) => Path.Combine(_store.DirectoryOf(id), "exit");

    private string StdinPath(string id) => Path.Combine(_store.DirectoryOf(id), "stdin");

    private async Task StartDetachedLockedAsync(ContainerRecord record, ContainerState state, RuntimeSpec spec, CancellationToken cancellationToken)
    {
        var id = record.Id;
        File.Delete(ClaimPath(ExitPath(id)));
        Internal.SpaceReserve.TryPreallocate(ExitPath(id) + ".tmp", 4096); // the monitor writes the exit code into it, space or not
        var restart = await DetachedRestartOfAsync(record, state, cancellationToken).ConfigureAwait(false);
        var output = new DetachedOutput(_store.LogPath(id), ExitPath(id), record.Options.OpenStdin ? StdinPath(id) : null, LogRotation.Parse(record.Options.LogOptions)) { HealthCheck = DetachedHealth(record, spec), Restart = restart };
        var process = await _runtime.CreateDetachedAsync(id, spec, output, cancellationToken).ConfigureAwait(false);
        await using (process.ConfigureAwait(false))
        {
            await Intents.RecordProcessesAsync(id, ContainerOperation.Start, new(process.Pid, process.StartTime), new(process.MonitorPid, process.MonitorStartTime), cancellationToken).ConfigureAwait(false);
            // Created but held before its program runs, as an attached container is: its network is ready when it starts.
            await _networks.AttachContainerAsync(id, process.Pid, cancellationToken).ConfigureAwait(false);
            await process.StartAsync(cancellationToken).ConfigureAwait(false);
            var started = Started(state, process.Pid, process.StartTime, process.MonitorPid) with
            {
                MonitorPid = process.MonitorPid,
                MonitorStartTime = process.MonitorStartTime,
            };
            await _store.WriteStateAsync(id, started, cancellationToken).ConfigureAwait(false);
            LogStarted(_logger, id, process.Pid);
            _ = WatchDetachedAsync(record, process.WaitForMonitorAsync(CancellationToken.None), process.AppliesRestartPolicy);
        }
    }

    /// <summary>
    /// While this process lives, records a detached container's exit as soon as its monitor exits, and applies its
    /// restart policy when the monitor does not (it does, so the policy holds after this process exited).
    /// </summary>
    private async Task WatchDetachedAsync(ContainerRecord record, Task monitorExited, bool monitorRestarts)
    {
        try
        {
            await monitorExited.ConfigureAwait(false);
            ContainerState state;
            using (await _store.LockAsync(record.Id, CancellationToken.None).ConfigureAwait(false))
            {
                if (await _store.ReadRecordAsync(record.Id, CancellationToken.None).ConfigureAwait(false) is null)
                {
                    return;
                }

                state = await RefreshAsync(record, CancellationToken.None).ConfigureAwait(false);
                if (!state.IsRunning && !record.Options.AutoRemove && !monitorRestarts
                    && record.Options.RestartPolicy.ShouldRestart(state.ExitCode, state.RestartCount, state.StoppedByUser))
                {
                    await StartLockedAsync(record, state with { RestartCount = state.RestartCount + 1 }, CancellationToken.None).ConfigureAwait(false);
                    return;
                }
            }

            await RemoveIfAutoRemoveAsync(record, state, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ContainersException or IOException or UnauthorizedAccessException)
        {
            LogMonitorFailed(_logger, record.Id, e);
        }
    }

    /// <summary>Removes a detached container created with auto-remove once it exited; returns whether it did.</summary>
    private async Task<bool> RemoveIfAutoRemoveAsync(ContainerRecord record, ContainerState state, CancellationToken cancellationToken)
    {
        if (!record.Options.AutoRemove || !record.Options.Detached || state.IsRunning || state.StartedAt is null)
        {
            return false;
        }

        _removedExitCodes[record.Id] = state.ExitCode;
        try
        {
            await RemoveAsync(record.Id, force: true, cancellationToken).ConfigureAwait(false);
        }
        catch (ContainerNotFoundException)
        {
            // Another process removed it first.
        }

        return true;
    }

    /// <summary>
    /// Corrects a detached container's state once its process is gone: the exit code from the monitor's exit file, or,
    /// when the monitor died without writing one (killed, or the machine rebooted), a record that it was killed.
    /// </summary>
    private async Task<ContainerState> RefreshDetachedAsync(ContainerRecord record, ContainerState state, CancellationToken cancellationToken)
    {
        state = await FollowMonitorAsync(record, state, cancellationToken).ConfigureAwait(false);
        if (_runtime.IsAlive(state.Pid, state.PidStartTime)
            || (state.Status == ContainerStatus.Restarting && _runtime.IsAlive(state.MonitorPid, state.MonitorStartTime)))
        {
            return state;
        }

        var exitPath = ExitPath(record.Id);
        var code = ReadExitCode(exitPath);

        // The container is gone but its monitor may still be writing the exit file.
        for (var attempt = 0; code is null && attempt < 100 && _runtime.IsAlive(state.MonitorPid, state.MonitorStartTime); attempt++)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            code = ReadExitCode(exitPath);
            if (code is null && await FollowMonitorAsync(record, state, cancellationToken).ConfigureAwait(false) is var followed && followed != state)
            {
                return followed; // restarting it, by its restart policy
            }
        }

        if (code is null && _runtime.IsAlive(state.MonitorPid, state.MonitorStartTime))
        {
            return state;
        }

        // Several processes may get here at once, without the container's lock (its holder may be the caller). One claims
        // the exit by an atomic rename (or creation) of the claim file and records it; the others wait for its record, so
        // none reads the OOM flag from a cgroup the recorder already removed.
        var finishedAt = code is null ? DateTimeOffset.UtcNow : new DateTimeOffset(File.GetLastWriteTimeUtc(exitPath), TimeSpan.Zero);
        if (!ClaimExit(exitPath, code is not null) && !ClaimIsStale(exitPath))
        {
            for (var attempt = 0; attempt < 250; attempt++)
            {
                var recorded = await _store.ReadStateAsync(record.Id, cancellationToken).ConfigureAwait(false);
                if (!recorded.IsRunning || recorded.Pid != state.Pid)
                {
                    return recorded;
                }

                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }

            if (!ClaimIsStale(exitPath))
            {
                return state;
            }
        }

        code ??= ReadExitCode(ClaimPath(exitPath)); // taking over from a recorder that died after its rename
        var oomKilled = await _runtime.WasOomKilledAsync(CgroupsPath(record.Id), cancellationToken).ConfigureAwait(false);
        state = state with
        {
            Status = ContainerStatus.Exited,
            ExitCode = code ?? 128 + Signals.Kill,
            OomKilled = oomKilled,
            Pid = 0,
            MonitorPid = 0,
            FinishedAt = finishedAt,
            Error = code is null ? "the container's monitor process died, and the container with it" : null,
        };
        await _store.WriteStateAsync(record.Id, state, cancellationToken).ConfigureAwait(false);
        await _networks.DetachContainerAsync(record.Id, cancellationToken).ConfigureAwait(false);
        await _runtime.DeleteAsync(CgroupsPath(record.Id), cancellationToken).ConfigureAwait(false);
        await _rootfs.UnmountAsync(record.Id, cancellationToken).ConfigureAwait(false);
        LogExited(_logger, record.Id, state.ExitCode, oomKilled);
        return state;
    }

    private static string ClaimPath(string exitPath) => exitPath + ".recorded";

    /// <summary>Takes the right to record this exit: renames the monitor's exit file, or creates the claim when the monitor left none.</summary>
    private static bool ClaimExit(string exitPath, bool hasExitFile)
    {
        try
        {
            if (hasExitFile)
            {
                File.Move(exitPath, ClaimPath(exitPath), overwrite: false);
            }
            else
            {
                using var claim = new FileStream(ClaimPath(exitPath), FileMode.CreateNew, FileAccess.Write);
            }

            File.SetLastWriteTimeUtc(ClaimPath(exitPath), DateTime.UtcNow);
            return true;
        }
        catch (IOException)
        {
            return false; // renamed or created by another process first
        }
    }

    /// <summary>Tells whether a claim was taken long ago by a process that died before recording the exit.</summary>
    private static bool ClaimIsStale(string exitPath)
    {
        // One look: a claim removed with its container between an existence check and a time read read as written in
        // 1601, so stale, and the exit was recorded as killed (137) after the real one.
        var written = File.GetLastWriteTimeUtc(ClaimPath(exitPath));
        return written > DateTime.FromFileTimeUtc(0) && written < DateTime.UtcNow.AddSeconds(-30);
    }

    private static int? ReadExitCode(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
