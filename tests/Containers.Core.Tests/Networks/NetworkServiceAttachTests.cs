using Containers.Containers;
using Containers.Networks;

namespace Containers.Core.Tests.Networks;

/// <summary>Endpoints as containers start, stop, connect and fail to attach, against a fake driver; and the hosts files that follow them.</summary>
[Trait("Category", "NoRoot")]
public sealed class NetworkServiceAttachTests : IAsyncLifetime
{
    private readonly FakeNetworkEngine _test = new();
    private NetworkDetails _web = null!;

    private FakeNetworkDriver Driver => _test.Driver;

    public async Task InitializeAsync() => _web = await _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "web", Subnet = "10.77.0.0/24" });

    [Fact]
    public async Task A_started_container_gets_the_lowest_free_address_eth0_and_an_interface_attached_to_its_process()
    {
        var first = await _test.CreateContainerAsync("first", "web");
        var second = await _test.CreateContainerAsync("second", "web");
        await _test.StartAsync(first);

        var pid = await _test.StartAsync(second);

        var endpoint = await _test.EndpointAsync("web", second);
        endpoint.Address.Should().Be("10.77.0.3", "the gateway has .1 and the first container .2");
        endpoint.Interface.Should().Be("eth0");
        endpoint.HostInterface.Should().Be(NetworkService.HostInterfaceName(second, _web.Id));
        Driver.Attached[endpoint.HostInterface!].Pid.Should().Be(pid);
    }

    [Fact]
    public async Task A_failed_attach_on_the_second_network_releases_the_first_as_well()
    {
        await _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "other" });
        var id = await _test.CreateContainerAsync("app", "web");
        await _test.Networks.ConnectAsync("other", id);
        Driver.FailAttachTo = "other";

        var start = () => _test.StartAsync(id);

        await start.Should().ThrowAsync<FakeDriverException>();
        Driver.Attached.Should().BeEmpty("the endpoint on web was detached again");
        (await _test.EndpointAsync("web", id)).Address.Should().BeNull();
        (await _test.EndpointAsync("other", id)).Address.Should().BeNull();
        Driver.Rules!.SelectMany(n => n.Endpoints).Should().OnlyContain(e => e.Address == null);
    }

    [Fact]
    public async Task A_failed_live_connect_keeps_the_container_on_its_other_networks()
    {
        await _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "other" });
        var id = await _test.CreateContainerAsync("app", "web");
        await _test.StartAsync(id);
        Driver.FailAttachTo = "other";

        var connect = () => _test.Networks.ConnectAsync("other", id);

        await connect.Should().ThrowAsync<FakeDriverException>();
        (await _test.EndpointAsync("web", id)).Address.Should().NotBeNull();
        Driver.Attached.Values.Should().ContainSingle(a => a.Endpoint.ContainerId == id);
    }

    [Fact]
    public async Task A_stopped_container_keeps_its_connection_but_releases_its_address_and_interface()
    {
        var id = await _test.CreateContainerAsync("app", "web", [PortBinding.Parse("8080:80")]);
        await _test.StartAsync(id);

        await _test.StopAsync(id);

        var endpoint = await _test.EndpointAsync("web", id);
        (endpoint.Address, endpoint.HostInterface, endpoint.Ports.Count).Should().Be((null, null, 0));
        endpoint.RequestedPorts.Should().ContainSingle("the next start publishes it again");
        Driver.Calls.Should().Contain("detach app (exited)");
        Driver.Rules!.Single().Endpoints.Single().Ports.Should().BeEmpty();
    }

    [Fact]
    public async Task Disconnecting_a_running_container_detaches_it_and_removes_its_endpoint()
    {
        var id = await _test.CreateContainerAsync("app", "web");
        await _test.StartAsync(id);

        await _test.Networks.DisconnectAsync("web", id);

        Driver.Attached.Should().BeEmpty();
        Driver.Calls.Should().Contain("detach app");
        (await _test.Networks.InspectAsync("web")).Endpoints.Should().BeEmpty();
        await FluentActions.Awaiting(() => _test.Networks.DisconnectAsync("web", id)).Should().ThrowAsync<InvalidContainerConfigurationException>();
    }

    [Fact]
    public async Task Running_containers_on_a_user_network_find_each_other_by_name_and_alias_in_their_hosts_files()
    {
        var db = await _test.CreateContainerAsync("db", "web", aliases: ["postgres"]);
        var app = await _test.CreateContainerAsync("app", "web");
        await _test.StartAsync(db);
        await _test.StartAsync(app);

        var hosts = await File.ReadAllTextAsync(_test.HostsPath(app));

        hosts.Should().Contain($"10.77.0.2\tdb postgres {db[..12]}\n");
        hosts.Should().Contain($"10.77.0.3\t{app[..12]}\n", "its own address and host name");

        await _test.StopAsync(db);
        (await File.ReadAllTextAsync(_test.HostsPath(app))).Should().NotContain("postgres", "a stopped peer is taken out");
    }

    public async Task DisposeAsync() => await _test.DisposeAsync();
}
