using Containers.Networks;

namespace Containers.Core.Tests.Networks;

/// <summary>Which host port a publication gets as its container starts, against a fake driver that says which ports host processes hold.</summary>
[Trait("Category", "NoRoot")]
public sealed class NetworkServicePortTests : IAsyncLifetime
{
    private readonly FakeNetworkEngine _test = new();

    private FakeNetworkDriver Driver => _test.Driver;

    public async Task InitializeAsync() => await _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "web" });

    [Fact]
    public async Task A_fixed_port_is_published_as_asked()
    {
        var id = await _test.CreateContainerAsync("app", "web", [PortBinding.Parse("127.0.0.1:8080:80")]);

        await _test.StartAsync(id);

        var port = (await _test.Networks.GetPortsAsync(id)).Should().ContainSingle().Subject;
        (port.HostIp, port.HostPort, port.ContainerPort, port.Protocol).Should().Be(("127.0.0.1", 8080, 80, "tcp"));
        Driver.Rules!.Single().Endpoints.Single().Ports.Should().Equal(port);
    }

    [Fact]
    public async Task A_fixed_port_another_container_publishes_is_refused_naming_it_and_the_start_leaves_no_endpoint()
    {
        var first = await _test.CreateContainerAsync("first", "web", [PortBinding.Parse("8080:80")]);
        await _test.StartAsync(first);
        var second = await _test.CreateContainerAsync("second", "web", [PortBinding.Parse("8080:80")]);

        var start = () => _test.StartAsync(second);

        (await start.Should().ThrowAsync<PortAlreadyAllocatedException>()).Which.Message.Should().Contain("first");
        var endpoint = await _test.EndpointAsync("web", second);
        endpoint.Address.Should().BeNull();
        endpoint.Ports.Should().BeEmpty();
        Driver.Attached.Values.Select(a => a.Endpoint.ContainerName).Should().Equal("first");
    }

    [Fact]
    public async Task A_fixed_port_a_host_process_holds_is_refused()
    {
        Driver.BusyHostPorts.Add(8080);
        var id = await _test.CreateContainerAsync("app", "web", [PortBinding.Parse("8080:80")]);

        var start = () => _test.StartAsync(id);

        (await start.Should().ThrowAsync<PortAlreadyAllocatedException>()).Which.Message.Should().Contain("host process");
        Driver.Attached.Should().BeEmpty();
    }

    [Fact]
    public async Task A_range_gets_its_first_port_no_container_publishes_and_no_host_process_holds()
    {
        var holder = await _test.CreateContainerAsync("holder", "web", [PortBinding.Parse("8002:80")]);
        await _test.StartAsync(holder);
        Driver.BusyHostPorts.UnionWith([8000, 8001]);
        var id = await _test.CreateContainerAsync("app", "web", [PortBinding.Parse("8000-8005:80")]);

        await _test.StartAsync(id);

        var port = (await _test.Networks.GetPortsAsync(id)).Single();
        port.HostPort.Should().Be(8003);
        port.HostPortEnd.Should().Be(0, "the chosen port is recorded, not the range");
    }

    [Fact]
    public async Task A_range_with_no_free_port_fails_the_start()
    {
        Driver.BusyHostPorts.UnionWith([9000, 9001]);
        var id = await _test.CreateContainerAsync("app", "web", [PortBinding.Parse("9000-9001:80")]);

        var start = () => _test.StartAsync(id);

        await start.Should().ThrowAsync<AddressPoolExhaustedException>();
        (await _test.EndpointAsync("web", id)).Address.Should().BeNull();
    }

    [Fact]
    public async Task Ports_left_to_the_engine_come_from_the_ephemeral_range_and_differ()
    {
        var id = await _test.CreateContainerAsync("app", "web", [PortBinding.Parse("80"), PortBinding.Parse("81")]);

        await _test.StartAsync(id);

        var ports = (await _test.Networks.GetPortsAsync(id)).Select(p => p.HostPort).ToList();
        ports.Should().OnlyHaveUniqueItems().And.OnlyContain(p => p >= 32768 && p <= 60999);
    }

    [Fact]
    public async Task A_port_is_free_again_once_its_container_stopped()
    {
        var first = await _test.CreateContainerAsync("first", "web", [PortBinding.Parse("8080:80")]);
        await _test.StartAsync(first);
        await _test.StopAsync(first);
        var second = await _test.CreateContainerAsync("second", "web", [PortBinding.Parse("8080:80")]);

        await _test.StartAsync(second);

        (await _test.Networks.GetPortsAsync(second)).Single().HostPort.Should().Be(8080);
    }

    public async Task DisposeAsync() => await _test.DisposeAsync();
}
