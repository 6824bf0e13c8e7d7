namespace Containers.Containers;

/// <summary>
/// Manages containers: create, start, stop, inspect and remove them, read their logs, as Docker's container commands do.
/// </summary>
/// <remarks>
/// Containers are found by name, full ID or unique ID prefix. State lives on disk, so any process using the same
/// root can list, inspect, stop, kill, remove and read the logs of a container another process started. A container
/// started here runs as a child of this process and dies with it, unless it was created
/// <see cref="ContainerCreateOptions.Detached"/>: then a monitor process parents it and it runs on after this process exits.
/// </remarks>
public interface IContainerService
{
    /// <summary>Creates a container from an image without starting it.</summary>
    /// <exception cref="Images.ImageNotFoundException">The image is not in the store.</exception>
    /// <exception cref="ContainerNameConflictException">The name is taken.</exception>
    /// <exception cref="InvalidContainerConfigurationException">An option cannot be applied.</exception>
    Task<ContainerDetails> CreateAsync(ContainerCreateOptions options, CancellationToken cancellationToken = default);

    /// <summary>Starts a created or stopped container; does nothing when it runs.</summary>
    /// <exception cref="ContainerStartException">The runtime could not set it up.</exception>
    /// <exception cref="ContainerCommandException">Its program is missing or not executable.</exception>
    Task StartAsync(string nameOrId, CancellationToken cancellationToken = default);

    /// <summary>Creates and starts a container; with <see cref="ContainerCreateOptions.AutoRemove"/>, it is removed when it exits.</summary>
    Task<ContainerDetails> RunAsync(ContainerCreateOptions options, CancellationToken cancellationToken = default);

    /// <summary>Waits until the container stops and returns its exit code.</summary>
    Task<int> WaitAsync(string nameOrId, CancellationToken cancellationToken = default);

    /// <summary>Sends the stop signal, then SIGKILL when the container has not stopped after <paramref name="timeout"/> (10 seconds by default).</summary>
    Task StopAsync(string nameOrId, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Sends a signal (<c>KILL</c> by default; <c>TERM</c>, <c>SIGHUP</c>, <c>9</c> are accepted).</summary>
    /// <exception cref="ContainerStateException">The container does not run.</exception>
    Task KillAsync(string nameOrId, string signal = "KILL", CancellationToken cancellationToken = default);

    /// <summary>Freezes every process of the container.</summary>
    Task PauseAsync(string nameOrId, CancellationToken cancellationToken = default);

    /// <summary>Thaws a paused container.</summary>
    Task UnpauseAsync(string nameOrId, CancellationToken cancellationToken = default);

    /// <summary>Stops the container, then starts it again.</summary>
    Task RestartAsync(string nameOrId, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Removes a stopped container (or, with <paramref name="force"/>, kills a running one first) with its writable layer and logs.</summary>
    /// <exception cref="ContainerStateException">The container runs and <paramref name="force"/> is off.</exception>
    Task RemoveAsync(string nameOrId, bool force = false, CancellationToken cancellationToken = default);

    /// <summary>Removes a container as <see cref="RemoveAsync(string, bool, CancellationToken)"/> does; with <paramref name="removeVolumes"/> (<c>rm -v</c>), also its anonymous volumes no other container uses.</summary>
    /// <exception cref="ContainerStateException">The container runs and <paramref name="force"/> is off.</exception>
    Task RemoveAsync(string nameOrId, bool force, bool removeVolumes, CancellationToken cancellationToken = default);

    /// <summary>Renames a container.</summary>
    Task RenameAsync(string nameOrId, string newName, CancellationToken cancellationToken = default);

    /// <summary>Lists running containers, or all with <paramref name="all"/>.</summary>
    Task<IReadOnlyList<ContainerSummary>> ListAsync(bool all = false, CancellationToken cancellationToken = default);

    /// <summary>Describes one container.</summary>
    Task<ContainerDetails> InspectAsync(string nameOrId, CancellationToken cancellationToken = default);

    /// <summary>Reads the container's output, optionally following it while the container runs.</summary>
    IAsyncEnumerable<LogEntry> LogsAsync(string nameOrId, LogOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Lists the container's processes.</summary>
    Task<IReadOnlyList<ContainerProcess>> TopAsync(string nameOrId, CancellationToken cancellationToken = default);

    /// <summary>Samples the container's resource use.</summary>
    Task<ContainerStats> StatsAsync(string nameOrId, CancellationToken cancellationToken = default);

    /// <summary>Makes a new image from a container's changes on top of its image, as <c>docker commit</c> does.</summary>
    /// <exception cref="NotSupportedException">The storage driver cannot produce a diff.</exception>
    Task<Images.ImageDetails> CommitAsync(string nameOrId, CommitOptions options, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a process inside a running container: in its namespaces and cgroup, with its environment, user and working
    /// directory unless <paramref name="options"/> overrides them, and the same capabilities and seccomp filter.
    /// </summary>
    /// <exception cref="ContainerStateException">The container does not run (or is paused).</exception>
    /// <exception cref="ContainerCommandException">The program is not in the container or not executable.</exception>
    Task<ContainerExecution> StartExecAsync(string nameOrId, ExecOptions options, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs the container's health check once, now (as the timer would), records the result in its health log and
    /// returns it; <see cref="HealthCheckResult.ExitCode"/> 0 means healthy.
    /// </summary>
    /// <exception cref="InvalidContainerConfigurationException">The container has no health check.</exception>
    /// <exception cref="ContainerStateException">The container does not run.</exception>
    Task<HealthCheckResult> RunHealthCheckAsync(string nameOrId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Copies files into a container, as <c>docker cp</c> does: the entries of <paramref name="archive"/> (an uncompressed
    /// tar, with owners, modes and links) are written under <paramref name="path"/>, which is resolved inside the
    /// container's root. Works on a created container (the files are there when it starts) and on a running one.
    /// </summary>
    /// <remarks>The files land in the container's own filesystem: a volume, bind or tmpfs mounted at the path hides them.</remarks>
    /// <exception cref="ContainerNotFoundException">No container matches.</exception>
    /// <exception cref="Storage.LayerApplyException">An entry is malformed or cannot be written.</exception>
    Task CopyToAsync(string nameOrId, string path, Stream archive, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets the standard input of a container started with stdin open: this process's pipe to a container it started,
    /// or, for a detached container, its input FIFO (any process may write; closing it does not end the container's input).
    /// Null otherwise.
    /// </summary>
    Task<Stream?> GetStandardInputAsync(string nameOrId, CancellationToken cancellationToken = default);
}
