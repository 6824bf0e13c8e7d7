using Containers.Containers;
using Containers.Networks;

namespace Containers.Core.Tests.Networks;

/// <summary>Recovery after a crash or reboot, against a fake driver: endpoints of dead and removed containers, bridges and rules.</summary>
[Trait("Category", "NoRoot")]
public sealed class NetworkServiceRecoveryTests : IAsyncLifetime
{
    private readonly FakeNetworkEngine _test = new();

    private FakeNetworkDriver Driver => _test.Driver;

    public async Task InitializeAsync() => await _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "web" });

    [Fact]
    public async Task Recovery_releases_dead_containers_forgets_removed_ones_keeps_running_ones_and_makes_bridges_again()
    {
        var running = await _test.CreateContainerAsync("running", "web", [PortBinding.Parse("8080:80")]);
        var died = await _test.CreateContainerAsync("died", "web", [PortBinding.Parse("8081:80")]);
        var removed = await _test.CreateContainerAsync("removed", "web");
        await _test.StartAsync(running);
        await _test.StartAsync(died);
        await _test.StartAsync(removed);

        // The engine process was killed: one container died with it, one was deleted by hand; the host rebooted.
        await _test.Store.WriteStateAsync(died, new ContainerState { Status = ContainerStatus.Exited }, CancellationToken.None);
        Directory.Delete(_test.Store.DirectoryOf(removed), recursive: true);
        Driver.Bridges.Clear();

        var count = await _test.Networks.RecoverAsync(CancellationToken.None);

        count.Should().BeGreaterThan(0);
        var endpoints = (await _test.Networks.InspectAsync("web")).Endpoints;
        endpoints.Select(e => e.ContainerName).Should().BeEquivalentTo("running", "died");
        endpoints.Single(e => e.ContainerName == "running").Address.Should().NotBeNull();
        endpoints.Single(e => e.ContainerName == "died").Address.Should().BeNull();
        Driver.Bridges.Should().ContainSingle("the bridge is made again");
        Driver.Rules!.Single().Endpoints.SelectMany(e => e.Ports).Select(p => p.HostPort).Should().Equal(8080);
    }

    [Fact]
    public async Task A_dead_container_is_released_once_and_a_second_pass_finds_nothing()
    {
        var id = await _test.CreateContainerAsync("app", "web");
        await _test.StartAsync(id);
        await _test.Store.WriteStateAsync(id, new ContainerState { Status = ContainerStatus.Exited }, CancellationToken.None);
        (await _test.Networks.RecoverAsync(CancellationToken.None)).Should().Be(1);

        var again = await _test.Networks.RecoverAsync(CancellationToken.None);

        again.Should().Be(0);
        (await _test.EndpointAsync("web", id)).Address.Should().BeNull();
    }

    public async Task DisposeAsync() => await _test.DisposeAsync();
}
