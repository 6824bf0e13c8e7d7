using System.Runtime.CompilerServices;
using Containers.Oci;

namespace Containers.Containers;

/// <summary>Listing, inspecting, logs, processes and stats, renaming and removal.</summary>
internal sealed partial class ContainerService
{
    public async Task<IReadOnlyList<ContainerSummary>> ListAsync(bool all = false, CancellationToken cancellationToken = default)
    {
        var summaries = new List<ContainerSummary>();
        foreach (var record in await _store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            ContainerState state;
            try
            {
                state = await RefreshAsync(record, cancellationToken).ConfigureAwait(false);
            }
            catch (DirectoryNotFoundException)
            {
                continue; // removed by another engine while this one listed it
            }

            if (await RemoveIfAutoRemoveAsync(record, state, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            if (all || state.IsRunning)
            {
                summaries.Add(new ContainerSummary
                {
                    Id = record.Id,
                    Name = record.Name,
                    Image = record.Image,
                    Command = record.Args,
                    Created = record.Created,
                    State = state,
                    Labels = record.Labels,
                    Health = HealthOf(record, state),
                });
            }
        }

        return summaries.OrderByDescending(s => s.Created).ToList();
    }

    public async Task<ContainerDetails> InspectAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        var record = await _store.FindAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        var state = await RefreshAsync(record, cancellationToken).ConfigureAwait(false);
        var specPath = Path.Combine(_store.DirectoryOf(record.Id), "config.json");
        var spec = File.Exists(specPath) ? OciSerializer.ReadRuntimeSpec(await File.ReadAllBytesAsync(specPath, cancellationToken).ConfigureAwait(false)) : null;
        return Describe(record, state, spec);
    }

    public async IAsyncEnumerable<LogEntry> LogsAsync(string nameOrId, LogOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var record = await _store.FindAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        async Task<bool> IsRunning() =>
            _running.ContainsKey(record.Id) || (await RefreshAsync(record, CancellationToken.None).ConfigureAwait(false)).IsRunning;

        // A container this process runs says when its output is complete: following ends then, without polling on.
        var outputEnded = _running.TryGetValue(record.Id, out var running) ? running.OutputEnded : null;
        await foreach (var entry in ContainerLogReader.ReadAsync(_store.LogPath(record.Id), options ?? new LogOptions(), IsRunning, outputEnded, cancellationToken).ConfigureAwait(false))
        {
            yield return entry;
        }
    }

    public async Task<IReadOnlyList<ContainerProcess>> TopAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        var record = await RunningRecordAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        return await _runtime.GetProcessesAsync(CgroupsPath(record.Id), cancellationToken).ConfigureAwait(false);
    }

    public async Task<ContainerStats> StatsAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        var record = await RunningRecordAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        return await _runtime.GetStatsAsync(CgroupsPath(record.Id), cancellationToken).ConfigureAwait(false);
    }

    public async Task<Stream?> GetStandardInputAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        var record = await _store.FindAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        if (_running.TryGetValue(record.Id, out var running))
        {
            return running.Process.StandardInput;
        }

        // A detached container opened with stdin reads a FIFO that it holds open itself, so opening it here does not block.
        var state = await RefreshAsync(record, cancellationToken).ConfigureAwait(false);
        return record.Options.Detached && record.Options.OpenStdin && state.IsRunning && File.Exists(StdinPath(record.Id))
            ? new FileStream(StdinPath(record.Id), FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1)
            : null;
    }

    public async Task RenameAsync(string nameOrId, string newName, CancellationToken cancellationToken = default)
    {
        var name = NameGenerator.Validate(newName);
        var record = await _store.FindAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        using (await _store.LockNamesAsync(cancellationToken).ConfigureAwait(false))
        {
            if ((await _store.ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(r => r.Name == name) is { } holder && holder.Id != record.Id)
            {
                throw new ContainerNameConflictException(name, holder.Id);
            }

            var current = await _store.ReadRecordAsync(record.Id, cancellationToken).ConfigureAwait(false) ?? throw new ContainerNotFoundException(nameOrId);
            await _store.WriteRecordAsync(current with { Name = name, Options = current.Options with { Name = name } }, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task RemoveAsync(string nameOrId, bool force = false, CancellationToken cancellationToken = default) =>
        RemoveAsync(nameOrId, force, removeVolumes: false, cancellationToken);

    public async Task RemoveAsync(string nameOrId, bool force, bool removeVolumes, CancellationToken cancellationToken = default)
    {
        var record = await _store.FindAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        var state = await RefreshAsync(record, cancellationToken).ConfigureAwait(false);
        if (state.IsRunning)
        {
            if (!force)
            {
                throw new ContainerStateException(record.Id, state.Status, $"You cannot remove a {state.Status.ToString().ToLowerInvariant()} container {record.Id[..12]}. Stop the container before attempting removal or force remove");
            }

            // From here on the removal is begun: if this process dies, recovery finishes it.
            await Intents.BeginAsync(record.Id, ContainerOperation.Remove, cancellationToken).ConfigureAwait(false);
            if (state.Status == ContainerStatus.Paused)
            {
                await _runtime.ResumeAsync(CgroupsPath(record.Id), cancellationToken).ConfigureAwait(false);
            }

            state = await MarkStoppedByUserAsync(record, cancellationToken).ConfigureAwait(false);
            _runtime.Signal(state.Pid, state.PidStartTime, Signals.Kill);
            await WaitAsync(record.Id, cancellationToken).ConfigureAwait(false);
        }

        using (await _store.LockAsync(record.Id, cancellationToken).ConfigureAwait(false))
        {
            if (await _store.ReadRecordAsync(record.Id, cancellationToken).ConfigureAwait(false) is null)
            {
                return; // removed meanwhile, by auto-remove or another process
            }

            await Intents.BeginAsync(record.Id, ContainerOperation.Remove, cancellationToken).ConfigureAwait(false);

            await _networks.ForgetContainerAsync(record.Id, cancellationToken).ConfigureAwait(false);
            await _runtime.DeleteAsync(CgroupsPath(record.Id), cancellationToken).ConfigureAwait(false);
            await _rootfs.RemoveAsync(record.Id, cancellationToken).ConfigureAwait(false);
            _store.Delete(record.Id);
        }

        // As Docker: anonymous volumes go with a container removed with -v or created with --rm; named ones stay.
        if (removeVolumes || record.Options.AutoRemove)
        {
            await _volumes.ReleaseAsync(record.Options.Mounts, cancellationToken).ConfigureAwait(false);
        }

        _runtime.RemoveScopeIfEmpty(CgroupParent);
    }

    private async Task<ContainerRecord> RunningRecordAsync(string nameOrId, CancellationToken cancellationToken)
    {
        var record = await _store.FindAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        var state = await RefreshAsync(record, cancellationToken).ConfigureAwait(false);
        return state.IsRunning ? record : throw new ContainerStateException(record.Id, state.Status, $"Container {record.Id[..12]} is not running");
    }
}
