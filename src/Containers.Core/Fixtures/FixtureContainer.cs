using System.Globalization;
using System.Text;
using Containers.Containers;
using Containers.Hosting;
using Containers.Networks;

namespace Containers.Fixtures;

/// <summary>
/// A started fixture container: its ports on the host, its logs, exec, and removal. Disposing it removes the container
/// (killed if it runs) with its anonymous volumes, so a test leaves nothing behind.
/// </summary>
/// <remarks>Modules (<see cref="PostgreSqlContainer"/>, ...) derive from it to add a connection string.</remarks>
public class FixtureContainer : IAsyncDisposable
{
    private readonly Shared _shared;

    internal FixtureContainer(ContainerEngine engine, string id, string name, Snapshots.ReadySnapshot? snapshot = null)
    {
        _shared = new Shared(engine, id, name) { ReadySnapshot = snapshot };
    }

    /// <summary>Initializes a module's container over a started one; both are the same container, and disposing either removes it.</summary>
    protected FixtureContainer(FixtureContainer started)
    {
        ArgumentNullException.ThrowIfNull(started);
        _shared = started._shared;
    }

    /// <summary>Gets the engine that runs the container.</summary>
    public ContainerEngine Engine => _shared.Engine;

    /// <summary>Gets the container's ID.</summary>
    public string Id => _shared.Id;

    /// <summary>Gets the container's name.</summary>
    public string Name => _shared.Name;

    /// <summary>Gets the ready-state snapshot the container started from; <see langword="null"/> without <see cref="ContainerBuilder.WithReadySnapshot"/>.</summary>
    public Snapshots.ReadySnapshot? ReadySnapshot => _shared.ReadySnapshot;

    /// <summary>Gets the host address its published ports answer on: <c>127.0.0.1</c>.</summary>
    public string Host => "127.0.0.1";

    /// <summary>Gets the ports published on the host, with the host ports chosen, as they were when it became ready.</summary>
    public IReadOnlyList<PortBinding> Ports => _shared.Ports;

    /// <summary>Returns the host port a container port is published on.</summary>
    /// <exception cref="InvalidOperationException">The port is not published (add it with <see cref="ContainerBuilder.WithPortBinding(int)"/>).</exception>
    public int GetMappedPort(int containerPort, string protocol = "tcp") =>
        TryGetMappedPort(containerPort, out var port, protocol)
            ? port
            : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"container port {containerPort}/{protocol} of '{Name}' is not published; add it with WithPortBinding({containerPort})"));

    /// <summary>Looks up the host port a container port is published on.</summary>
    public bool TryGetMappedPort(int containerPort, out int hostPort, string protocol = "tcp")
    {
        var binding = _shared.Ports.FirstOrDefault(p => p.ContainerPort == containerPort && p.Protocol == protocol);
        hostPort = binding?.HostPort ?? 0;
        return binding is not null;
    }

    /// <summary>Returns the container's address on its network while it runs (reachable from the host and from containers on the same network); <see langword="null"/> without one.</summary>
    public async Task<string?> GetAddressAsync(CancellationToken cancellationToken = default)
    {
        var details = await InspectAsync(cancellationToken).ConfigureAwait(false);
        if (details.Options.Network is null or "none" or "host")
        {
            return null;
        }

        var network = await Engine.Networks.InspectAsync(details.Options.Network, cancellationToken).ConfigureAwait(false);
        return network.Endpoints.FirstOrDefault(e => e.ContainerId == Id)?.Address;
    }

    /// <summary>Describes the container as <c>inspect</c> does.</summary>
    public Task<ContainerDetails> InspectAsync(CancellationToken cancellationToken = default) => Engine.Containers.InspectAsync(Id, cancellationToken);

    /// <summary>Reads what the container wrote so far: standard output and error.</summary>
    public async Task<(string Stdout, string Stderr)> GetLogsAsync(CancellationToken cancellationToken = default)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        await foreach (var entry in Engine.Containers.LogsAsync(Id, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            (entry.Stream == LogStream.Stdout ? stdout : stderr).Append(entry.Text);
        }

        return (stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs a command inside the container and collects its output and exit code.</summary>
    public Task<ExecResult> ExecAsync(IReadOnlyList<string> command, CancellationToken cancellationToken = default) =>
        Engine.Containers.ExecAsync(Id, command, cancellationToken);

    /// <summary>Copies a file into the container (running or not), owned by <paramref name="userId"/>:<paramref name="groupId"/>.</summary>
    public async Task CopyFileAsync(string path, ReadOnlyMemory<byte> content, UnixFileMode? mode = null, int userId = 0, int groupId = 0, CancellationToken cancellationToken = default)
    {
        using var archive = new MemoryStream();
        await FixtureArchive.WriteAsync([new FixtureFile(path, content, mode, userId, groupId)], archive, cancellationToken).ConfigureAwait(false);
        archive.Position = 0;
        await Engine.Containers.CopyToAsync(Id, "/", archive, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the container (the stop signal, then SIGKILL after <paramref name="timeout"/>); disposing still removes it.</summary>
    public Task StopAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) => Engine.Containers.StopAsync(Id, timeout, cancellationToken);

    /// <summary>Removes the container, killing it if it runs, with its anonymous volumes; safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Removes the container; modules that hold more (a network, a temporary directory) release it here too.</summary>
    protected virtual async ValueTask DisposeAsyncCore()
    {
        if (Interlocked.Exchange(ref _shared.Disposed, 1) == 0)
        {
            await FixtureCleanup.RemoveAsync(Engine, Id).ConfigureAwait(false);
        }
    }

    internal void SetPorts(IReadOnlyList<PortBinding> ports) => _shared.Ports = ports;

    /// <summary>The state a module's container shares with the generic one it wraps.</summary>
    private sealed class Shared(ContainerEngine engine, string id, string name)
    {
        public int Disposed;

        public ContainerEngine Engine { get; } = engine;

        public string Id { get; } = id;

        public string Name { get; } = name;

        public IReadOnlyList<PortBinding> Ports { get; set; } = [];

        public Snapshots.ReadySnapshot? ReadySnapshot { get; init; }
    }
}
