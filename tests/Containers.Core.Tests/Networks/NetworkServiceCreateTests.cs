using Containers.Networks;

namespace Containers.Core.Tests.Networks;

/// <summary>Creating networks against a fake driver: which subnet, gateway and bridge, and what a refusal leaves.</summary>
[Trait("Category", "NoRoot")]
public sealed class NetworkServiceCreateTests : IAsyncLifetime
{
    private readonly FakeNetworkEngine _test = new();

    private FakeNetworkDriver Driver => _test.Driver;

    [Fact]
    public async Task A_network_gets_the_first_subnet_of_the_pool_the_host_does_not_route_and_a_bridge_named_for_its_id()
    {
        Driver.HostRoutes.Add(Ipv4Subnet.Parse("172.30.0.0/24"));

        var network = await _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "web" });

        network.Subnet.Should().Be("172.30.1.0/24");
        network.Gateway.Should().Be("172.30.1.1");
        network.BridgeName.Should().Be("dc" + network.Id[..12]);
        Driver.Bridges.Keys.Should().Equal(network.BridgeName);
        Driver.Rules!.Select(n => n.Name).Should().Equal("web");
    }

    [Fact]
    public async Task A_second_network_avoids_the_first_ones_subnet()
    {
        var first = await _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "one" });

        var second = await _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "two" });

        Ipv4Subnet.Parse(second.Subnet).Overlaps(Ipv4Subnet.Parse(first.Subnet)).Should().BeFalse();
        Driver.Rules!.Select(n => n.Name).Should().BeEquivalentTo("one", "two");
    }

    [Fact]
    public async Task A_requested_subnet_and_gateway_are_kept()
    {
        var network = await _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "web", Subnet = "10.77.0.0/16", Gateway = "10.77.0.254" });

        network.Subnet.Should().Be("10.77.0.0/16");
        network.Gateway.Should().Be("10.77.0.254");
    }

    [Fact]
    public async Task A_subnet_the_host_routes_is_refused_and_no_bridge_is_made()
    {
        Driver.HostRoutes.Add(Ipv4Subnet.Parse("10.77.0.0/16"));

        var create = () => _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "web", Subnet = "10.77.5.0/24" });

        (await create.Should().ThrowAsync<SubnetOverlapException>()).Which.Other.Should().Contain("host route 10.77.0.0/16");
        Driver.Bridges.Should().BeEmpty();
        (await _test.Networks.ListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_subnet_of_another_network_is_refused_naming_it()
    {
        await _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "first", Subnet = "10.77.0.0/24" });

        var create = () => _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "second", Subnet = "10.77.0.128/25" });

        (await create.Should().ThrowAsync<SubnetOverlapException>()).Which.Other.Should().Contain("network first");
        Driver.Bridges.Should().HaveCount(1);
    }

    [Theory]
    [InlineData("10.77.1.1", "10.77.0.0/24")]
    [InlineData("10.77.0.0", "10.77.0.0/24")]
    [InlineData("10.77.0.255", "10.77.0.0/24")]
    [InlineData("10.77.0.1", null)]
    public async Task A_gateway_that_is_no_host_of_the_subnet_is_refused_before_anything_is_made(string gateway, string? subnet)
    {
        var create = () => _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "web", Subnet = subnet, Gateway = gateway });

        await create.Should().ThrowAsync<InvalidSubnetException>();
        Driver.Calls.Should().BeEmpty();
    }

    [Theory]
    [InlineData("bridge")]
    [InlineData("host")]
    [InlineData("none")]
    [InlineData("-leading-dash")]
    [InlineData("with space")]
    [InlineData("slash/name")]
    public async Task Reserved_and_malformed_names_are_refused(string name)
    {
        var create = () => _test.Networks.CreateAsync(new NetworkCreateOptions { Name = name });

        await create.Should().ThrowAsync<NetworkNameConflictException>();
        Driver.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task A_name_in_use_is_refused_and_the_first_network_stays()
    {
        var first = await _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "web" });

        var again = () => _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "web" });

        await again.Should().ThrowAsync<NetworkNameConflictException>();
        (await _test.Networks.ListAsync()).Should().ContainSingle().Which.Id.Should().Be(first.Id);
        Driver.Bridges.Should().ContainSingle();
    }

    [Fact]
    public async Task A_bridge_the_driver_cannot_make_leaves_no_network_record()
    {
        Driver.FailCreate = true;

        var create = () => _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "web" });

        await create.Should().ThrowAsync<FakeDriverException>();
        (await _test.Networks.ListAsync()).Should().BeEmpty();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _test.DisposeAsync();
}
