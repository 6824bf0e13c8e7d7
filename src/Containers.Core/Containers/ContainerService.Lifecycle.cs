using Containers.Hosting;
using Containers.Oci;
using Containers.Oci.Runtime;
using Microsoft.Extensions.Logging;

namespace Containers.Containers;

/// <summary>Starting, watching, stopping and signalling containers.</summary>
internal sealed partial class ContainerService
{
    private static readonly TimeSpan DefaultStopTimeout = TimeSpan.FromSeconds(10);

    public async Task StartAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        var record = await _store.FindAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        using (await _store.LockAsync(record.Id, cancellationToken).ConfigureAwait(false))
        {
            var state = await RefreshAsync(record, cancellationToken).ConfigureAwait(false);
            if (state.IsRunning)
            {
                return;
            }

            // A user's start begins the count of restarts anew, as Docker's does.
            await StartLockedAsync(record, state with { RestartCount = 0 }, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task StartLockedAsync(ContainerRecord record, ContainerState state, CancellationToken cancellationToken)
    {
        var id = record.Id;
        var image = await _images.InspectAsync(record.ImageId.ToString(), cancellationToken).ConfigureAwait(false);
        await Intents.BeginAsync(id, ContainerOperation.Start, cancellationToken).ConfigureAwait(false);
        IRuntimeProcess? process = null;
        Task? specWritten = null;
        Task? recorded = null;
        try
        {
            var rootfs = await _rootfs.MountAsync(id, image, cancellationToken).ConfigureAwait(false);
            var spec = await WriteSpecAsync(record, image, rootfs, cancellationToken).ConfigureAwait(false);
            // config.json (for inspect, exec and health checks) is written and flushed on another thread meanwhile.
            specWritten = Task.Run(() => AtomicFile.WriteAllBytesAsync(Path.Combine(_store.DirectoryOf(id), "config.json"), OciSerializer.Serialize(spec)), CancellationToken.None);
            ResetHealth(id);
            if (record.Options.Detached)
            {
                await specWritten.ConfigureAwait(false);
                await StartDetachedLockedAsync(record, state, spec, cancellationToken).ConfigureAwait(false);
                Intents.End(id, ContainerOperation.Start);
                return;
            }

            process = await _runtime.CreateAsync(id, spec, record.Options.OpenStdin, cancellationToken).ConfigureAwait(false);
            await specWritten.ConfigureAwait(false);
            await Intents.RecordProcessesAsync(id, ContainerOperation.Start, new(process.Pid, process.StartTime), default, cancellationToken).ConfigureAwait(false);
            await _networks.AttachContainerAsync(id, process.Pid, cancellationToken).ConfigureAwait(false);
            var log = new ContainerLogWriter(_store.LogPath(id), LogRotation.Parse(record.Options.LogOptions));
            var pumps = Task.WhenAll(log.PumpAsync(process.StandardOutput, LogStream.Stdout), log.PumpAsync(process.StandardError, LogStream.Stderr));
            var running = new RunningContainer(process, log, pumps);
            _running[id] = running;
            ProcessStartedContainers.Add(_store.DirectoryOf(id));
            // The state is written (and flushed) on another thread while the process is let go and its execve confirmed;
            // both end before either outcome is acted on (a failed start overwrites it below).
            var started = Started(state, process.Pid, process.StartTime, Environment.ProcessId);
            recorded = Task.Run(() => _store.WriteStateAsync(id, started, CancellationToken.None), CancellationToken.None);
            await Task.WhenAll(process.StartAsync(cancellationToken), recorded).ConfigureAwait(false);
            LogStarted(_logger, id, process.Pid);
            Intents.End(id, ContainerOperation.Start);
            _ = MonitorAsync(record, running);
            StartHealthChecks(record, running, spec, started);
        }
        catch (Exception e)
        {
            // Both ended before anything is undone: a start that failed at once must not have its state overwritten later.
            await IgnoreFailureAsync(specWritten).ConfigureAwait(false);
            await IgnoreFailureAsync(recorded).ConfigureAwait(false);
            if (process is not null)
            {
                if (_running.TryRemove(id, out _))
                {
                    ProcessStartedContainers.Remove(_store.DirectoryOf(id));
                }

                await process.DisposeAsync().ConfigureAwait(false);
            }

            await _networks.DetachContainerAsync(id, CancellationToken.None).ConfigureAwait(false);
            await _runtime.DeleteAsync(CgroupsPath(id), CancellationToken.None).ConfigureAwait(false);
            await _rootfs.UnmountAsync(id, CancellationToken.None).ConfigureAwait(false);
            var exitCode = e is ContainerCommandException command ? command.ExitCode : 128;
            await _store.WriteStateAsync(id, state with { Status = ContainerStatus.Created, ExitCode = exitCode, Error = e.Message }, CancellationToken.None).ConfigureAwait(false);
            Intents.End(id, ContainerOperation.Start);
            throw;
        }
    }

    /// <summary>The state of a container that just started: its process, the process that owns it, no leftovers of its last run.</summary>
    private static ContainerState Started(ContainerState state, int pid, ulong startTime, int ownerPid) => state with
    {
        Status = ContainerStatus.Running,
        Pid = pid,
        PidStartTime = startTime,
        OwnerPid = ownerPid,
        StartedAt = DateTimeOffset.UtcNow,
        FinishedAt = null,
        ExitCode = 0,
        OomKilled = false,
        Error = null,
        StoppedByUser = false,
    };

    private static async Task IgnoreFailureAsync(Task? task)
    {
        try
        {
            await (task ?? Task.CompletedTask).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ContainersException)
        {
            // Already failing for another reason, which is the one to report.
        }
    }

    /// <summary>Writes the files the engine provides (<c>hosts</c>, <c>hostname</c>, <c>resolv.conf</c>) and returns the runtime specification (the caller writes <c>config.json</c>).</summary>
    private async Task<RuntimeSpec> WriteSpecAsync(ContainerRecord record, Images.ImageDetails image, string rootfs, CancellationToken cancellationToken)
    {
        var directory = _store.DirectoryOf(record.Id);
        var hostname = record.Options.Hostname ?? record.Id[..12];
        var files = new List<(string, string)>
        {
            ("/etc/hostname", Path.Combine(directory, "hostname")),
            ("/etc/hosts", Path.Combine(directory, "hosts")),
            ("/etc/resolv.conf", Path.Combine(directory, "resolv.conf")),
        };
        // Small files, written synchronously: an asynchronous write is one more thread-pool hop each.
        File.WriteAllText(files[0].Item2, hostname + "\n");
        // A bridged container's hosts file is written again once it has an address; host mode reaches the host on loopback.
        var hosts = NameResolutionFiles.Hosts(hostname, null, "127.0.0.1", record.Options.ExtraHosts, []);
        File.WriteAllText(files[1].Item2, hosts);
        var resolv = File.Exists("/etc/resolv.conf") ? File.ReadAllText("/etc/resolv.conf") : string.Empty;
        var bridged = Networks.NetworkService.IsBridgeMode(record.Options.Network);
        File.WriteAllText(files[2].Item2, NameResolutionFiles.ResolvConf(resolv, record.Options, bridged));

        var spec = ContainerSpecFactory.Create(new ContainerSpecInput
        {
            Options = record.Options,
            Image = image.Configuration.Config,
            ImageName = record.Image,
            Arguments = record.Args,
            User = UserResolver.Resolve(rootfs, record.Options.User ?? image.Configuration.Config?.User),
            Hostname = hostname,
            RootfsPath = rootfs,
            CgroupsPath = CgroupsPath(record.Id),
            EngineFiles = files,
            UserMounts = await _volumes.ResolveAsync(record.Options.Mounts, rootfs, cancellationToken).ConfigureAwait(false),
        });
        return spec;
    }

    /// <summary>Waits for a container this process started to exit, records how, cleans up, and applies its restart policy.</summary>
    private async Task MonitorAsync(ContainerRecord record, RunningContainer running)
    {
        var id = record.Id;
        var exitCode = await running.Process.WaitForExitAsync().ConfigureAwait(false);
        await running.Pumps.ConfigureAwait(false);
        await running.Log.DisposeAsync().ConfigureAwait(false);
        running.SetOutputEnded(); // a log follower stops now, not at its next poll after the teardown below
        var restart = false;
        try
        {
            var oomKilled = await _runtime.WasOomKilledAsync(CgroupsPath(id)).ConfigureAwait(false);
            using (await _store.LockAsync(id, CancellationToken.None).ConfigureAwait(false))
            {
                var state = await _store.ReadStateAsync(id, CancellationToken.None).ConfigureAwait(false);
                state = state with { Status = ContainerStatus.Exited, ExitCode = exitCode, OomKilled = oomKilled, Pid = 0, FinishedAt = DateTimeOffset.UtcNow };
                // The exit is recorded (and flushed) on another thread while the network, cgroup and mount are given back.
                await Task.WhenAll(Task.Run(() => _store.WriteStateAsync(id, state, CancellationToken.None), CancellationToken.None), ReleaseAsync(id, CancellationToken.None)).ConfigureAwait(false);
                restart = !record.Options.AutoRemove && record.Options.RestartPolicy.ShouldRestart(exitCode, state.RestartCount, state.StoppedByUser);
                _running.TryRemove(id, out _);
                await running.Process.DisposeAsync().ConfigureAwait(false);
                if (restart)
                {
                    await StartLockedAsync(record, state with { RestartCount = state.RestartCount + 1 }, CancellationToken.None).ConfigureAwait(false);
                }
            }

            LogExited(_logger, id, exitCode, oomKilled);
            if (record.Options.AutoRemove)
            {
                _removedExitCodes[id] = exitCode;
                await RemoveAsync(id, force: true, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is ContainersException or IOException or UnauthorizedAccessException)
        {
            LogMonitorFailed(_logger, id, e);
        }
        finally
        {
            // Even when recording failed (a full disk): nobody may wait for this run any more.
            _running.TryRemove(new KeyValuePair<string, RunningContainer>(id, running));
            ProcessStartedContainers.Remove(_store.DirectoryOf(id));
            running.SetOutputEnded();
            running.SetExited(exitCode);
        }
    }

    public async Task<int> WaitAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        // A container this process ran with --rm may be gone already; its exit code is remembered.
        if (_running.TryGetValue(nameOrId, out var started))
        {
            await started.Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_removedExitCodes.TryGetValue(nameOrId, out var removedCode))
        {
            return removedCode;
        }

        var record = await _store.FindAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            if (_running.TryGetValue(record.Id, out var running))
            {
                var code = await running.Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (!_running.ContainsKey(record.Id) && await _store.ReadRecordAsync(record.Id, cancellationToken).ConfigureAwait(false) is null)
                {
                    return code; // removed on exit (--rm): the exit code is all that is left
                }
            }

            if (await _store.ReadRecordAsync(record.Id, cancellationToken).ConfigureAwait(false) is null)
            {
                return _removedExitCodes.TryGetValue(record.Id, out var removed) ? removed : throw new ContainerNotFoundException(nameOrId);
            }

            var state = await RefreshAsync(record, cancellationToken).ConfigureAwait(false);
            if (!state.IsRunning && !_running.ContainsKey(record.Id))
            {
                // Removed while it was read (auto-remove notes the code before it removes): the state read was of a
                // directory already gone, not the container's exit.
                if (_removedExitCodes.TryGetValue(record.Id, out var removedMeanwhile))
                {
                    return removedMeanwhile;
                }

                if (await _store.ReadRecordAsync(record.Id, cancellationToken).ConfigureAwait(false) is null)
                {
                    throw new ContainerNotFoundException(nameOrId); // removed by another process: its exit code went with it
                }

                await RemoveIfAutoRemoveAsync(record, state, cancellationToken).ConfigureAwait(false);
                return state.ExitCode;
            }

            // Another process owns it: its state file says when it is done.
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(string nameOrId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var record = await _store.FindAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        ContainerState state;
        using (await _store.LockAsync(record.Id, cancellationToken).ConfigureAwait(false))
        {
            state = await RefreshAsync(record, cancellationToken).ConfigureAwait(false);
            if (!state.IsRunning)
            {
                return;
            }

            state = state with { StoppedByUser = true };
            await _store.WriteStateAsync(record.Id, state, cancellationToken).ConfigureAwait(false);
            state = await MarkStoppedByUserAsync(record, cancellationToken).ConfigureAwait(false);
        }

        if (state.Status == ContainerStatus.Paused)
        {
            await _runtime.ResumeAsync(CgroupsPath(record.Id), cancellationToken).ConfigureAwait(false);
        }

        var image = await TryStopSignalOfImageAsync(record, cancellationToken).ConfigureAwait(false);
        _runtime.Signal(state.Pid, state.PidStartTime, Signals.Parse(record.Options.StopSignal ?? image ?? "TERM"));
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(timeout ?? record.Options.StopTimeout ?? DefaultStopTimeout);
        try
        {
            await WaitAsync(record.Id, grace.Token).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogEscalating(_logger, record.Id);
        }

        state = await RefreshAsync(record, cancellationToken).ConfigureAwait(false);
        _runtime.Signal(state.Pid, state.PidStartTime, Signals.Kill);
        await WaitAsync(record.Id, cancellationToken).ConfigureAwait(false);
    }

    public async Task KillAsync(string nameOrId, string signal = "KILL", CancellationToken cancellationToken = default)
    {
        var number = Signals.Parse(signal);
        var record = await _store.FindAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        var state = await RefreshAsync(record, cancellationToken).ConfigureAwait(false);
        if (state.IsRunning && StopsContainer(record, number))
        {
            state = await MarkStoppedByUserAsync(record, cancellationToken).ConfigureAwait(false);
            if (state.Status == ContainerStatus.Restarting)
            {
                return; // no process to signal: the marker ends the restart under way
            }
        }

        if (state.Status == ContainerStatus.Paused && number == Signals.Kill)
        {
            // A frozen process does not die (the cgroup v1 freezer holds even SIGKILL until a thaw): thaw it, as Docker's kill does.
            await _runtime.ResumeAsync(CgroupsPath(record.Id), cancellationToken).ConfigureAwait(false);
        }

        if (!state.IsRunning || !_runtime.Signal(state.Pid, state.PidStartTime, number))
        {
            throw new ContainerStateException(record.Id, state.Status, $"Cannot kill container {record.Id[..12]}: container is not running");
        }
    }

    public async Task PauseAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        var record = await _store.FindAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        using (await _store.LockAsync(record.Id, cancellationToken).ConfigureAwait(false))
        {
            var state = await RefreshAsync(record, cancellationToken).ConfigureAwait(false);
            if (state.Status != ContainerStatus.Running)
            {
                throw new ContainerStateException(record.Id, state.Status, $"Container {record.Id[..12]} is {(state.Status == ContainerStatus.Paused ? "already paused" : "not running")}");
            }

            await _runtime.PauseAsync(CgroupsPath(record.Id), cancellationToken).ConfigureAwait(false);
            await _store.WriteStateAsync(record.Id, state with { Status = ContainerStatus.Paused }, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task UnpauseAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        var record = await _store.FindAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        using (await _store.LockAsync(record.Id, cancellationToken).ConfigureAwait(false))
        {
            var state = await RefreshAsync(record, cancellationToken).ConfigureAwait(false);
            if (state.Status != ContainerStatus.Paused)
            {
                throw new ContainerStateException(record.Id, state.Status, $"Container {record.Id[..12]} is not paused");
            }

            await _runtime.ResumeAsync(CgroupsPath(record.Id), cancellationToken).ConfigureAwait(false);
            await _store.WriteStateAsync(record.Id, state with { Status = ContainerStatus.Running }, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task RestartAsync(string nameOrId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        await StopAsync(nameOrId, timeout, cancellationToken).ConfigureAwait(false);
        await StartAsync(nameOrId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads a container's state, correcting it when its process is gone but nobody recorded the exit: the process
    /// that owned it died (and took the container with it, by the parent-death signal) or the machine rebooted.
    /// </summary>
    private async Task<ContainerState> RefreshAsync(ContainerRecord record, CancellationToken cancellationToken)
    {
        // Asked before the state is read: an engine of this process records the exit before it forgets the container,
        // so a container it forgot has its exit on disk by the read below.
        var startedHere = ProcessStartedContainers.Contains(_store.DirectoryOf(record.Id));
        var state = await _store.ReadStateAsync(record.Id, cancellationToken).ConfigureAwait(false);
        if (state.IsRunning && state.MonitorPid > 0)
        {
            return await RefreshDetachedAsync(record, state, cancellationToken).ConfigureAwait(false);
        }

        // Owned by this process (any of its engines, which records the exit itself) or by another live one: as it is.
        if (!state.IsRunning || _running.ContainsKey(record.Id) || _runtime.IsAlive(state.Pid, state.PidStartTime) || startedHere
            || (state.OwnerPid != Environment.ProcessId && _runtime.IsAlive(state.OwnerPid, 0)))
        {
            return state;
        }

        // The owner is gone; what it recorded before it went (the real exit code) is on disk now: read again.
        var again = await _store.ReadStateAsync(record.Id, cancellationToken).ConfigureAwait(false);
        if (!again.IsRunning || again.Pid != state.Pid)
        {
            return again;
        }

        state = state with
        {
            Status = ContainerStatus.Exited,
            ExitCode = 128 + Signals.Kill,
            Pid = 0,
            FinishedAt = DateTimeOffset.UtcNow,
            Error = "the process that started the container exited, and the container with it",
        };
        await _store.WriteStateAsync(record.Id, state, cancellationToken).ConfigureAwait(false);
        await _networks.DetachContainerAsync(record.Id, cancellationToken).ConfigureAwait(false);
        await _runtime.DeleteAsync(CgroupsPath(record.Id), cancellationToken).ConfigureAwait(false);
        await _rootfs.UnmountAsync(record.Id, cancellationToken).ConfigureAwait(false);
        return state;
    }

    private async Task<string?> TryStopSignalOfImageAsync(ContainerRecord record, CancellationToken cancellationToken)
    {
        try
        {
            return (await _images.InspectAsync(record.ImageId.ToString(), cancellationToken).ConfigureAwait(false)).Configuration.Config?.StopSignal;
        }
        catch (Images.ImageNotFoundException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Container {Id} exited with code {ExitCode} (OOM killed: {OomKilled})")]
    private static partial void LogExited(ILogger logger, string id, int exitCode, bool oomKilled);

    [LoggerMessage(EventId = 13, Level = LogLevel.Error, Message = "Recording the exit of container {Id} failed")]
    private static partial void LogMonitorFailed(ILogger logger, string id, Exception exception);

    [LoggerMessage(EventId = 14, Level = LogLevel.Information, Message = "Container {Id} did not stop in time; sending SIGKILL")]
    private static partial void LogEscalating(ILogger logger, string id);
}
