namespace Containers.Containers;

/// <summary>
/// Restart policies of detached containers: their monitor applies them (so they hold after the process that started the
/// container exited) and records what it did in a status file this engine merges into the state; a user's stop reaches
/// the monitor as a marker file, so it does not restart what the user stopped.
/// </summary>
internal sealed partial class ContainerService
{
    /// <summary>The boot of the host this root last saw (<c>boot-id</c> in the root).</summary>
    private readonly string _bootIdPath;

    private DetachedRestartPaths RestartPaths(string id)
    {
        var directory = _store.DirectoryOf(id);
        return new(Path.Combine(directory, "restart.plan"), Path.Combine(directory, "restart.state"), Path.Combine(directory, "stopped"));
    }

    /// <summary>What the monitor of a detached container applies, or null when its policy never restarts (or it is removed on exit).</summary>
    private async Task<DetachedRestart?> DetachedRestartOfAsync(ContainerRecord record, ContainerState state, CancellationToken cancellationToken)
    {
        var paths = RestartPaths(record.Id);
        File.Delete(paths.StatusPath);
        File.Delete(paths.StopMarkerPath);
        if (record.Options.AutoRemove)
        {
            return null;
        }

        if (record.Options.RestartPolicy.Name is "always" or "unless-stopped")
        {
            await RememberBootAsync(cancellationToken).ConfigureAwait(false);
        }

        return DetachedRestart.For(record.Options.RestartPolicy, state.RestartCount, paths);
    }

    /// <summary>Records the host's boot while a container that a reboot must bring back runs, so the next boot's first engine start knows.</summary>
    private async Task RememberBootAsync(CancellationToken cancellationToken)
    {
        if (_runtime.BootId is { Length: > 0 } boot && (!File.Exists(_bootIdPath) || File.ReadAllText(_bootIdPath).Trim() != boot))
        {
            await Hosting.AtomicFile.WriteAllBytesAsync(_bootIdPath, System.Text.Encoding.UTF8.GetBytes(boot + "\n"), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Tells the monitor that a user stops the container, before it is signalled: the exit that follows is not restarted,
    /// nor is a restart under way carried out. Returns the state afterwards, with the process to signal.
    /// </summary>
    private async Task<ContainerState> MarkStoppedByUserAsync(ContainerRecord record, CancellationToken cancellationToken)
    {
        if (record.Options.Detached)
        {
            await File.WriteAllBytesAsync(RestartPaths(record.Id).StopMarkerPath, [], cancellationToken).ConfigureAwait(false);
        }

        // The monitor records a new process before it checks the marker a last time: reading after writing finds it.
        return await RefreshAsync(record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Tells whether a signal a user sends stops the container for its restart policy, as Docker's kill does.</summary>
    private static bool StopsContainer(ContainerRecord record, int signal) =>
        signal is Signals.Kill or Signals.Term or 2 or 3 || (record.Options.StopSignal is { } stop && Signals.Parse(stop) == signal);

    /// <summary>Merges what the monitor last did (a restart under way, or the process it started) into the recorded state.</summary>
    private async Task<ContainerState> FollowMonitorAsync(ContainerRecord record, ContainerState state, CancellationToken cancellationToken)
    {
        if (MonitorStatus.Read(RestartPaths(record.Id).StatusPath) is not { } status || !status.IsNewerThan(state))
        {
            return state;
        }

        // Re-read first: a user's stop may have been recorded since the caller read the state.
        var current = await _store.ReadStateAsync(record.Id, cancellationToken).ConfigureAwait(false);
        if (current.MonitorPid != state.MonitorPid || !status.IsNewerThan(current))
        {
            return current.MonitorPid == state.MonitorPid ? current : state;
        }

        var followed = status.ApplyTo(current);
        await _store.WriteStateAsync(record.Id, followed, cancellationToken).ConfigureAwait(false);
        return followed;
    }

    /// <summary>
    /// The engine start after a host reboot plays the part of Docker's daemon start: it starts the detached containers
    /// whose policy is <c>always</c>, and those with <c>unless-stopped</c> that no user stopped. The root remembers the
    /// boot in which such a container last started (<c>boot-id</c> in the root), so only the first engine start after a reboot does this; any later
    /// one leaves a stopped container stopped.
    /// </summary>
    private async Task<int> RestartAfterRebootAsync(List<ContainerRecord> records, CancellationToken cancellationToken)
    {
        if (_runtime.BootId is not { Length: > 0 } boot)
        {
            return 0;
        }

        // Written by the start of a container with such a policy: none ran here, or not before this boot, without it.
        var path = _bootIdPath;
        var seen = File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        if (seen is null || seen == boot)
        {
            return 0;
        }

        await Hosting.AtomicFile.WriteAllBytesAsync(path, System.Text.Encoding.UTF8.GetBytes(boot + "\n"), cancellationToken).ConfigureAwait(false);

        var started = 0;
        foreach (var record in records.Where(r => r.Options.Detached && !r.Options.AutoRemove))
        {
            try
            {
                var state = await RefreshAsync(record, cancellationToken).ConfigureAwait(false);
                var policy = record.Options.RestartPolicy.Name;
                if (state.IsRunning || state.StartedAt is null || !(policy == "always" || (policy == "unless-stopped" && !state.StoppedByUser)))
                {
                    continue;
                }

                await StartAsync(record.Id, cancellationToken).ConfigureAwait(false);
                started++;
            }
            catch (Exception e) when (e is ContainersException or IOException)
            {
                LogMonitorFailed(_logger, record.Id, e); // one that cannot start does not keep the engine from starting
            }
        }

        return started;
    }
}
