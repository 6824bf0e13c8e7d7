using Containers.Oci;

namespace Containers.Containers;

/// <summary>Exec: processes started inside running containers.</summary>
internal sealed partial class ContainerService
{
    public async Task<ContainerExecution> StartExecAsync(string nameOrId, ExecOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Command.Count == 0)
        {
            throw new InvalidContainerConfigurationException("command", "no command specified");
        }

        var record = await _store.FindAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        var state = await RefreshAsync(record, cancellationToken).ConfigureAwait(false);
        if (state.Status != ContainerStatus.Running)
        {
            throw new ContainerStateException(record.Id, state.Status, state.Status == ContainerStatus.Paused
                ? $"Container {record.Id[..12]} is paused, unpause the container before exec"
                : $"Container {record.Id[..12]} is not running");
        }

        var spec = OciSerializer.ReadRuntimeSpec(await File.ReadAllBytesAsync(Path.Combine(_store.DirectoryOf(record.Id), "config.json"), cancellationToken).ConfigureAwait(false));
        var main = spec.Process ?? throw new InvalidContainerConfigurationException("process", "the container's specification has no process");
        var user = options.User is null ? null : UserResolver.Resolve(spec.Root!.Path, options.User);
        var process = main with
        {
            Args = options.Command,
            Env = MergeEnvironment(main.Env ?? [], options.Environment),
            Cwd = options.WorkingDirectory ?? main.Cwd,
            User = user is null ? main.User : main.User with { Uid = user.Uid, Gid = user.Gid, AdditionalGids = user.AdditionalGids },
            Terminal = false,
        };
        var running = await _runtime.ExecAsync(new ExecRequest
        {
            ContainerPid = state.Pid,
            ContainerStartTime = state.PidStartTime,
            ContainerSpec = spec,
            Process = process,
            OpenStdin = options.OpenStdin,
            Detached = options.Detached,
        }, cancellationToken).ConfigureAwait(false);
        return new ContainerExecution(running, options.Detached);
    }

    /// <summary>Overrides the container's variables with the exec's, as <c>docker exec -e</c> does.</summary>
    private static List<string> MergeEnvironment(IReadOnlyList<string> container, IReadOnlyList<string> overrides)
    {
        var merged = container.ToList();
        foreach (var entry in overrides)
        {
            var name = entry.Split('=', 2)[0];
            var value = entry.Contains('=', StringComparison.Ordinal) ? entry : Environment.GetEnvironmentVariable(name) is { } own ? $"{name}={own}" : null;
            merged.RemoveAll(e => e.Split('=', 2)[0] == name);
            if (value is not null)
            {
                merged.Add(value);
            }
        }

        return merged;
    }
}
