using System.Globalization;
using System.Text;
using Containers.Containers;
using Containers.Hosting;
using Containers.Networks;
using Containers.Volumes;

namespace Containers.Fixtures;

/// <summary>
/// Describes a throwaway container for a test, fluently: every <c>With...</c> returns a new builder and leaves this one
/// unchanged, so one builder can be shared, extended and started many times, concurrently.
/// <see cref="StartAsync"/> creates the container, copies its files in, starts it, waits until it is ready, and returns
/// a handle that removes it when disposed.
/// </summary>
/// <example>
/// <code>
/// await using var web = await new ContainerBuilder("busybox")
///     .WithCommand("httpd", "-f", "-p", "8080")
///     .WithPortBinding(8080)
///     .WithWaitStrategy(Wait.ForHttp(8080))
///     .StartAsync(engine);
/// var url = $"http://{web.Host}:{web.GetMappedPort(8080)}/";
/// </code>
/// </example>
public sealed class ContainerBuilder
{
    private readonly Definition _definition;

    /// <summary>Initializes a builder for a container of <paramref name="image"/> (a name or ID in the engine's store).</summary>
    public ContainerBuilder(string image)
        : this(new Definition(new ContainerCreateOptions { Image = image }, [], null))
    {
        ArgumentException.ThrowIfNullOrEmpty(image);
    }

    private ContainerBuilder(Definition definition) => _definition = definition;

    /// <summary>Gets the options the container will be created with (before the fixture labels are added).</summary>
    public ContainerCreateOptions Options => _definition.Options;

    /// <summary>Gets the ready-state snapshot settings; <see langword="null"/> when fixtures start without one (see <see cref="WithReadySnapshot"/>).</summary>
    public ReadySnapshotOptions? ReadySnapshot => _definition.Snapshot;

    /// <summary>Gets the wait strategy; <see langword="null"/> when the start returns as soon as the process runs.</summary>
    public IWaitStrategy? WaitStrategy => _definition.Wait;

    /// <summary>Returns a builder for another image.</summary>
    public ContainerBuilder WithImage(string image) => With(o => o with { Image = image });

    /// <summary>Returns a builder that names the container (names must be unique in the root; by default one is generated).</summary>
    public ContainerBuilder WithName(string name) => With(o => o with { Name = name });

    /// <summary>Returns a builder that runs <paramref name="command"/> instead of the image's <c>CMD</c>.</summary>
    public ContainerBuilder WithCommand(params string[] command) => With(o => o with { Command = command });

    /// <summary>Returns a builder that runs <paramref name="entrypoint"/> instead of the image's <c>ENTRYPOINT</c> (an empty one clears it).</summary>
    public ContainerBuilder WithEntrypoint(params string[] entrypoint) => With(o => o with { Entrypoint = entrypoint });

    /// <summary>Returns a builder that sets an environment variable (replacing an earlier value of the same name).</summary>
    public ContainerBuilder WithEnvironment(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return With(o => o with { Environment = [.. o.Environment.Where(e => !e.StartsWith(name + "=", StringComparison.Ordinal)), name + "=" + value] });
    }

    /// <summary>Returns a builder that sets several environment variables.</summary>
    public ContainerBuilder WithEnvironment(IReadOnlyDictionary<string, string> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return variables.Aggregate(this, (builder, pair) => builder.WithEnvironment(pair.Key, pair.Value));
    }

    /// <summary>Returns a builder that publishes TCP <paramref name="containerPort"/> on a free host port of 127.0.0.1 (see <see cref="FixtureContainer.GetMappedPort"/>).</summary>
    public ContainerBuilder WithPortBinding(int containerPort) => WithPortBinding(containerPort, 0);

    /// <summary>Returns a builder that publishes TCP <paramref name="containerPort"/> on <paramref name="hostPort"/> of 127.0.0.1 (0 picks a free one).</summary>
    public ContainerBuilder WithPortBinding(int containerPort, int hostPort) =>
        WithPortBinding(new PortBinding { ContainerPort = containerPort, HostPort = hostPort, HostIp = "127.0.0.1" });

    /// <summary>Returns a builder that publishes a port as <paramref name="binding"/> says (host address, protocol, range).</summary>
    public ContainerBuilder WithPortBinding(PortBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return With(o => o with { PortBindings = [.. o.PortBindings, binding] });
    }

    /// <summary>Returns a builder that mounts a new anonymous volume at <paramref name="target"/>, removed with the container.</summary>
    public ContainerBuilder WithVolume(string target) => WithMount(new ContainerMount { Type = MountType.Volume, Target = target });

    /// <summary>Returns a builder that mounts the named volume <paramref name="name"/> (created on first use, kept after the container) at <paramref name="target"/>.</summary>
    public ContainerBuilder WithVolume(string name, string target, bool readOnly = false) =>
        WithMount(new ContainerMount { Type = MountType.Volume, Source = name, Target = target, ReadOnly = readOnly });

    /// <summary>Returns a builder that bind-mounts the host path <paramref name="hostPath"/> at <paramref name="target"/>.</summary>
    public ContainerBuilder WithBindMount(string hostPath, string target, bool readOnly = false) =>
        WithMount(new ContainerMount { Type = MountType.Bind, Source = hostPath, Target = target, ReadOnly = readOnly });

    /// <summary>Returns a builder that mounts a tmpfs at <paramref name="target"/>, limited to <paramref name="sizeBytes"/> when given.</summary>
    public ContainerBuilder WithTmpfs(string target, long? sizeBytes = null) =>
        WithMount(new ContainerMount { Type = MountType.Tmpfs, Target = target, TmpfsSize = sizeBytes });

    /// <summary>Returns a builder with one more mount, as <see cref="ContainerCreateOptions.Mounts"/> takes it.</summary>
    public ContainerBuilder WithMount(ContainerMount mount)
    {
        ArgumentNullException.ThrowIfNull(mount);
        return With(o => o with { Mounts = [.. o.Mounts, mount] });
    }

    /// <summary>Returns a builder that writes a file into the container before it starts.</summary>
    /// <param name="path">The absolute path in the container; missing parent directories are created.</param>
    /// <param name="content">The file's bytes.</param>
    /// <param name="mode">The permission bits (<c>0644</c> by default).</param>
    /// <param name="userId">The owner's user ID in the container.</param>
    /// <param name="groupId">The owner's group ID in the container.</param>
    public ContainerBuilder WithFile(string path, byte[] content, UnixFileMode? mode = null, int userId = 0, int groupId = 0)
    {
        ArgumentNullException.ThrowIfNull(content);
        return WithFiles(() => [new FixtureFile(CheckPath(path), content, mode, userId, groupId)]);
    }

    /// <summary>Returns a builder that writes a UTF-8 text file into the container before it starts.</summary>
    public ContainerBuilder WithFile(string path, string content, UnixFileMode? mode = null, int userId = 0, int groupId = 0)
    {
        ArgumentNullException.ThrowIfNull(content);
        return WithFile(path, Encoding.UTF8.GetBytes(content), mode, userId, groupId);
    }

    /// <summary>
    /// Returns a builder that copies a host file, or a host directory's files, to <paramref name="containerPath"/> before
    /// the container starts; the host files are read at each start, modes kept unless <paramref name="mode"/> is given.
    /// </summary>
    public ContainerBuilder WithFileFromHost(string hostPath, string containerPath, UnixFileMode? mode = null, int userId = 0, int groupId = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostPath);
        var target = CheckPath(containerPath);
        return WithFiles(() => FixtureArchive.FromHost(hostPath, target, mode, userId, groupId));
    }

    /// <summary>Returns a builder that connects the container to <paramref name="network"/> (<c>bridge</c> by default) with further names for it there.</summary>
    public ContainerBuilder WithNetwork(string network, params string[] aliases) =>
        With(o => o with { Network = network, NetworkAliases = [.. o.NetworkAliases, .. aliases] });

    /// <summary>Returns a builder that gives the container further names on its user-defined network.</summary>
    public ContainerBuilder WithNetworkAliases(params string[] aliases) => With(o => o with { NetworkAliases = [.. o.NetworkAliases, .. aliases] });

    /// <summary>Returns a builder that sets a label.</summary>
    public ContainerBuilder WithLabel(string key, string value) =>
        With(o => o with { Labels = new Dictionary<string, string>(o.Labels) { [key] = value } });

    /// <summary>Returns a builder that runs the container as <paramref name="user"/> (<c>name</c>, <c>uid</c>, <c>uid:gid</c>).</summary>
    public ContainerBuilder WithUser(string user) => With(o => o with { User = user });

    /// <summary>Returns a builder that sets the health check (as <c>--health-cmd</c> and friends), replacing the image's.</summary>
    public ContainerBuilder WithHealthCheck(HealthCheckConfig healthCheck) => With(o => o with { HealthCheck = healthCheck });

    /// <summary>Returns a builder that sets the working directory.</summary>
    public ContainerBuilder WithWorkingDirectory(string directory) => With(o => o with { WorkingDirectory = directory });

    /// <summary>Returns a builder that limits the container's memory to <paramref name="bytes"/>.</summary>
    public ContainerBuilder WithMemoryLimit(long bytes) => With(o => o with { Memory = bytes });

    /// <summary>Returns a builder that limits the container to <paramref name="cpus"/> CPUs (1.5 = one and a half).</summary>
    public ContainerBuilder WithCpuLimit(double cpus) => With(o => o with { Cpus = cpus });

    /// <summary>Returns a builder that limits the number of processes in the container.</summary>
    public ContainerBuilder WithPidsLimit(long limit) => With(o => o with { PidsLimit = limit });

    /// <summary>Returns a builder that changes any other option of the container (capabilities, ulimits, DNS, ...).</summary>
    public ContainerBuilder WithCreateOptions(Func<ContainerCreateOptions, ContainerCreateOptions> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return With(change);
    }

    /// <summary>Returns a builder whose start returns only once <paramref name="strategy"/> says the container is ready.</summary>
    public ContainerBuilder WithWaitStrategy(IWaitStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return new(_definition with { Wait = strategy });
    }

    /// <summary>
    /// Returns a builder whose fixtures start from a ready-state snapshot: the first start (per root, across processes)
    /// starts the service, waits until it is ready, stops it with its stop signal and, if it exits cleanly, records its
    /// writable layer and anonymous volumes as a snapshot keyed by everything that determines them (image ID, command,
    /// entrypoint, environment, user, working directory, mounts, labels, the files copied in and their content, the wait
    /// strategy). Every start with the same key (that one included) creates a container over the snapshot, with a
    /// writable layer of its own, and only waits for readiness. List and prune snapshots with
    /// <see cref="ContainerEngine.Snapshots"/> or <c>containers snapshot ls|rm|prune</c>.
    /// </summary>
    /// <remarks>
    /// Bind mounts and named volumes are refused (their data live outside the container). A service that does not exit
    /// with code 0 on its stop signal within <see cref="ReadySnapshotOptions.StopTimeout"/> gets no snapshot: the start
    /// fails with <see cref="Snapshots.ReadySnapshotException"/> and nothing is recorded.
    /// </remarks>
    public ContainerBuilder WithReadySnapshot(ReadySnapshotOptions? options = null) => new(_definition with { Snapshot = options ?? new ReadySnapshotOptions() });

    /// <summary>
    /// Creates the container (labelled <c>org.dotnet.containers.fixture=true</c>), copies its files in, starts it and
    /// waits until it is ready. On any failure the container is removed before the exception is thrown.
    /// </summary>
    /// <exception cref="ContainerWaitException">The container exited before it was ready, or the wait timed out.</exception>
    public async Task<FixtureContainer> StartAsync(ContainerEngine engine, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var files = _definition.Files.SelectMany(source => source()).ToList();
        return _definition.Snapshot is { } snapshot
            ? await ReadySnapshotStart.StartAsync(engine, _definition.Options, files, _definition.Wait, snapshot, cancellationToken).ConfigureAwait(false)
            : await StartContainerAsync(engine, _definition.Options, files, _definition.Wait, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a labelled container, copies <paramref name="files"/> in, starts it and waits; removes it on any failure.</summary>
    internal static async Task<FixtureContainer> StartContainerAsync(
        ContainerEngine engine, ContainerCreateOptions definition, IReadOnlyList<FixtureFile> files, IWaitStrategy? wait, Snapshots.ReadySnapshot? snapshot, CancellationToken cancellationToken)
    {
        var options = definition with
        {
            Labels = new Dictionary<string, string>(definition.Labels)
            {
                [FixtureLabels.Fixture] = "true",
                [FixtureLabels.OwnerPid] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            },
        };
        var created = await engine.Containers.CreateAsync(options, cancellationToken).ConfigureAwait(false);
        var container = new FixtureContainer(engine, created.Id, created.Name, snapshot);
        try
        {
            await CopyFilesAsync(engine, created.Id, files, cancellationToken).ConfigureAwait(false);
            await engine.Containers.StartAsync(created.Id, cancellationToken).ConfigureAwait(false);
            container.SetPorts(await engine.Networks.GetPortsAsync(created.Id, cancellationToken).ConfigureAwait(false));
            if (wait is not null)
            {
                await FixtureWaiter.WaitAsync(engine, container, wait, cancellationToken).ConfigureAwait(false);
            }

            return container;
        }
        catch
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task CopyFilesAsync(ContainerEngine engine, string id, IReadOnlyList<FixtureFile> files, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
        {
            return;
        }

        using var archive = new MemoryStream();
        await FixtureArchive.WriteAsync(files, archive, cancellationToken).ConfigureAwait(false);
        archive.Position = 0;
        await engine.Containers.CopyToAsync(id, "/", archive, cancellationToken).ConfigureAwait(false);
    }

    private static string CheckPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return path.StartsWith('/') ? path : throw new ArgumentException($"'{path}' is not an absolute path in the container", nameof(path));
    }

    private ContainerBuilder WithFiles(Func<IEnumerable<FixtureFile>> source) => new(_definition with { Files = [.. _definition.Files, source] });

    private ContainerBuilder With(Func<ContainerCreateOptions, ContainerCreateOptions> change) => new(_definition with { Options = change(_definition.Options) });

    /// <summary>Everything a builder holds; each change makes a new one.</summary>
    private sealed record Definition(ContainerCreateOptions Options, IReadOnlyList<Func<IEnumerable<FixtureFile>>> Files, IWaitStrategy? Wait)
    {
        public ReadySnapshotOptions? Snapshot { get; init; }
    }
}
