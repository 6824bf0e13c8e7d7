using Containers.Networks;

namespace Containers.Core.Tests.Networks;

/// <summary>
/// An in-memory <see cref="INetworkDriver"/>: bridges by name, attached endpoints by host interface, the last rules
/// written, host routes and host ports a test declares taken, and a step that can be made to fail.
/// </summary>
internal sealed class FakeNetworkDriver : INetworkDriver
{
    private readonly SemaphoreSlim _hostLock = new(1, 1);

    /// <summary>Gets the subnets the host routes already.</summary>
    public List<Ipv4Subnet> HostRoutes { get; } = [];

    /// <summary>Gets the host ports a host process holds.</summary>
    public HashSet<int> BusyHostPorts { get; } = [];

    /// <summary>Gets the bridges, by bridge name.</summary>
    public Dictionary<string, NetworkDetails> Bridges { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the attached endpoints, by host interface, with the process they were attached to.</summary>
    public Dictionary<string, (NetworkEndpoint Endpoint, int Pid)> Attached { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the networks of the last rules written, or null before any.</summary>
    public IReadOnlyList<NetworkDetails>? Rules { get; private set; }

    /// <summary>Gets the calls in order, as <c>verb subject</c>.</summary>
    public List<string> Calls { get; } = [];

    /// <summary>Gets or sets the network whose attach fails, as a kernel refusal would.</summary>
    public string? FailAttachTo { get; set; }

    /// <summary>Gets or sets whether creating a bridge fails.</summary>
    public bool FailCreate { get; set; }

    public IReadOnlyList<Ipv4Subnet> HostSubnets() => [.. HostRoutes];

    public async Task<IDisposable> LockHostAsync(CancellationToken cancellationToken = default)
    {
        await _hostLock.WaitAsync(cancellationToken);
        return new Releaser(_hostLock);
    }

    public Task CreateNetworkAsync(NetworkDetails network, CancellationToken cancellationToken = default)
    {
        Calls.Add("create " + network.Name);
        if (FailCreate)
        {
            throw new FakeDriverException("creating bridge " + network.BridgeName);
        }

        Bridges[network.BridgeName] = network;
        return Task.CompletedTask;
    }

    public Task RemoveNetworkAsync(NetworkDetails network, CancellationToken cancellationToken = default)
    {
        Calls.Add("remove " + network.Name);
        Bridges.Remove(network.BridgeName);
        return Task.CompletedTask;
    }

    public Task AttachAsync(NetworkDetails network, NetworkEndpoint endpoint, int pid, bool defaultRoute, CancellationToken cancellationToken = default)
    {
        Calls.Add($"attach {endpoint.ContainerName} to {network.Name}");
        if (network.Name == FailAttachTo)
        {
            throw new FakeDriverException($"attaching {endpoint.HostInterface} to bridge {network.BridgeName}");
        }

        if (!Bridges.ContainsKey(network.BridgeName))
        {
            throw new FakeDriverException($"finding bridge {network.BridgeName}");
        }

        Attached[endpoint.HostInterface!] = (endpoint, pid);
        return Task.CompletedTask;
    }

    public Task DetachAsync(NetworkEndpoint endpoint, bool containerExited, CancellationToken cancellationToken = default)
    {
        Calls.Add($"detach {endpoint.ContainerName}{(containerExited ? " (exited)" : string.Empty)}");

        // An exited container's namespace takes its interfaces with it.
        if (endpoint.HostInterface is { } name)
        {
            Attached.Remove(name);
        }

        return Task.CompletedTask;
    }

    public Task SyncRulesAsync(IReadOnlyList<NetworkDetails> networks, CancellationToken cancellationToken = default)
    {
        Rules = [.. networks];
        return Task.CompletedTask;
    }

    public bool IsHostPortFree(string hostIp, int port, string protocol) => !BusyHostPorts.Contains(port);

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}

/// <summary>A kernel refusal as the fake driver reports one.</summary>
internal sealed class FakeDriverException(string step) : ContainersException("Network setup failed while " + step);
