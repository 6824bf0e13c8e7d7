using Containers.Containers;
using Containers.Hosting;
using Containers.Images;
using Containers.Networks;
using Containers.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Core.Tests.Networks;

/// <summary>
/// An engine over a scratch root whose network driver is a <see cref="FakeNetworkDriver"/>, with containers that exist
/// only as records and state files: the network service's logic runs without root, a runtime or a kernel.
/// </summary>
internal sealed class FakeNetworkEngine : IAsyncDisposable
{
    private static readonly Digest ImageId = Digest.Compute("fake image"u8);
    private readonly TempDirectory _root = new("network-service");
    private int _nextPid = 1000;

    public FakeNetworkEngine()
    {
        Engine = ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.Services.AddSingleton<INetworkDriver>(Driver));
        Directory.CreateDirectory(Engine.Services.GetRequiredService<StoreLayout>().Containers);
    }

    public FakeNetworkDriver Driver { get; } = new();

    public ContainerEngine Engine { get; }

    public NetworkService Networks => Engine.Services.GetRequiredService<NetworkService>();

    public ContainerStore Store => Engine.Services.GetRequiredService<ContainerStore>();

    /// <summary>Creates a container record on <paramref name="network"/> (with a hosts file), as the container service does before it starts one.</summary>
    public async Task<string> CreateContainerAsync(string name, string network, IReadOnlyList<PortBinding>? ports = null, IReadOnlyList<string>? aliases = null)
    {
        var id = ContainerStore.NewId();
        var options = new ContainerCreateOptions { Image = "busybox", Name = name, Network = network, PortBindings = ports ?? [], NetworkAliases = aliases ?? [] };
        await Store.WriteRecordAsync(
            new ContainerRecord { Id = id, Name = name, Image = "busybox", ImageId = ImageId, ManifestDigest = ImageId, Args = ["sh"], Options = options },
            CancellationToken.None);
        await File.WriteAllTextAsync(HostsPath(id), string.Empty);
        await Networks.JoinAsync(id, name, options, CancellationToken.None);
        return id;
    }

    /// <summary>Marks the container running under a new process ID and attaches it, as a start does; returns the process ID.</summary>
    public async Task<int> StartAsync(string id)
    {
        var pid = ++_nextPid;
        await Store.WriteStateAsync(id, new ContainerState { Status = ContainerStatus.Running, Pid = pid }, CancellationToken.None);
        await Networks.AttachContainerAsync(id, pid, CancellationToken.None);
        return pid;
    }

    /// <summary>Marks the container exited and releases its endpoints, as the exit handling does.</summary>
    public async Task StopAsync(string id)
    {
        await Store.WriteStateAsync(id, new ContainerState { Status = ContainerStatus.Exited }, CancellationToken.None);
        await Networks.DetachContainerAsync(id, CancellationToken.None);
    }

    public string HostsPath(string id) => Path.Combine(Store.DirectoryOf(id), "hosts");

    public async Task<NetworkEndpoint> EndpointAsync(string network, string id) =>
        (await Networks.InspectAsync(network)).Endpoints.Single(e => e.ContainerId == id);

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        _root.Dispose();
    }
}
