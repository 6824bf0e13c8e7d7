using Containers.Containers;
using Containers.Hosting;
using Containers.Internal;
using Containers.Linux.Hosting;
using Containers.Linux.Networking;
using Containers.Networks;
using Containers.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Linux.Tests.Networking;

/// <summary>
/// What a container holds while the engine configures its network, between create and start: only its standard
/// streams and the two pipes to the engine. Any other inherited descriptor (a pipe some thread of the engine reads to
/// its end, such as a tool's output) would stay open until the container starts, which waits for that very setup.
/// </summary>
public sealed class SetupWindowTests
{
    [Fact]
    public async Task A_container_waiting_for_its_network_holds_no_inherited_descriptors()
    {
        var seen = new List<string>();
        await using var test = TestEngine.Create(b =>
        {
            b.Services.AddSingleton<INetworkDriver>(sp => new ObservingDriver(new BridgeDriver(sp.GetRequiredService<StoreLayout>()), seen));
            b.AddLinuxRuntime();
        });
        await test.ImportBusyboxAsync();
        var network = await test.Engine.Networks.CreateAsync(new NetworkCreateOptions { Name = "window" });
        try
        {
            var container = await test.Engine.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Network = network.Name, Command = ["true"] });
            await test.Engine.Containers.WaitAsync(container.Id);
            await test.Engine.Containers.RemoveAsync(container.Id);
        }
        finally
        {
            await test.Engine.Services.GetRequiredService<NetworkService>().RemoveAllAsync(CancellationToken.None);
        }

        // Besides those, at most a pidfd of its parent (not inherited: the helper's own, close-on-exec), by which it
        // tells whether its parent died before the parent-death signal was armed.
        static bool IsPidfd(string fd) => fd.EndsWith("->anon_inode:[pidfd]", StringComparison.Ordinal);
        seen.Where(fd => !IsPidfd(fd)).Should().HaveCount(5, "stdin, stdout, stderr, the report pipe and the start pipe; seen: " + string.Join(", ", seen));
        seen.Count(IsPidfd).Should().BeLessThanOrEqualTo(1);
    }

    private sealed class ObservingDriver(INetworkDriver inner, List<string> seen) : INetworkDriver
    {
        public Task AttachAsync(NetworkDetails network, NetworkEndpoint endpoint, int pid, bool defaultRoute, CancellationToken cancellationToken = default)
        {
            foreach (var fd in Directory.GetFiles($"/proc/{pid}/fd"))
            {
                seen.Add(Path.GetFileName(fd) + "->" + (new FileInfo(fd).LinkTarget ?? "?"));
            }

            return inner.AttachAsync(network, endpoint, pid, defaultRoute, cancellationToken);
        }

        public IReadOnlyList<Ipv4Subnet> HostSubnets() => inner.HostSubnets();

        public Task<IDisposable> LockHostAsync(CancellationToken cancellationToken = default) => inner.LockHostAsync(cancellationToken);

        public Task CreateNetworkAsync(NetworkDetails network, CancellationToken cancellationToken = default) => inner.CreateNetworkAsync(network, cancellationToken);

        public Task RemoveNetworkAsync(NetworkDetails network, CancellationToken cancellationToken = default) => inner.RemoveNetworkAsync(network, cancellationToken);

        public Task DetachAsync(NetworkEndpoint endpoint, bool containerExited, CancellationToken cancellationToken = default) => inner.DetachAsync(endpoint, containerExited, cancellationToken);

        public Task SyncRulesAsync(IReadOnlyList<NetworkDetails> networks, CancellationToken cancellationToken = default) => inner.SyncRulesAsync(networks, cancellationToken);

        public bool IsHostPortFree(string hostIp, int port, string protocol) => inner.IsHostPortFree(hostIp, port, protocol);
    }
}
