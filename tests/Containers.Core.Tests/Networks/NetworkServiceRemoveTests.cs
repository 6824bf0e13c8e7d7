using Containers.Networks;

namespace Containers.Core.Tests.Networks;

/// <summary>Finding, removing and pruning networks against a fake driver: what is found by which name, what is refused, what goes.</summary>
[Trait("Category", "NoRoot")]
public sealed class NetworkServiceRemoveTests : IAsyncLifetime
{
    private readonly FakeNetworkEngine _test = new();

    private FakeNetworkDriver Driver => _test.Driver;

    [Fact]
    public async Task A_network_is_found_by_name_id_and_unique_id_prefix_only()
    {
        var network = await _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "web" });

        (await _test.Networks.InspectAsync("web")).Id.Should().Be(network.Id);
        (await _test.Networks.InspectAsync(network.Id)).Name.Should().Be("web");
        (await _test.Networks.InspectAsync(network.Id[..4])).Name.Should().Be("web");
        await FluentActions.Awaiting(() => _test.Networks.InspectAsync(network.Id[..2])).Should().ThrowAsync<NetworkNotFoundException>("a prefix needs 3 characters");
        await FluentActions.Awaiting(() => _test.Networks.InspectAsync("nope")).Should().ThrowAsync<NetworkNotFoundException>();
    }

    [Fact]
    public async Task The_default_network_is_made_once_when_first_asked_for_and_cannot_be_removed()
    {
        var first = await _test.Networks.InspectAsync("bridge");
        var second = await _test.Networks.InspectAsync("bridge");

        second.Id.Should().Be(first.Id);
        first.IsDefault.Should().BeTrue();
        Ipv4Subnet.Parse(first.Subnet).Overlaps(Ipv4Subnet.Parse("172.29.0.0/16")).Should().BeTrue("the default network has its own pool");
        Driver.Calls.Should().Equal("create bridge");
        await FluentActions.Awaiting(() => _test.Networks.RemoveAsync("bridge")).Should().ThrowAsync<PredefinedNetworkException>();
        await FluentActions.Awaiting(() => _test.Networks.RemoveAsync(first.Id)).Should().ThrowAsync<PredefinedNetworkException>();
        Driver.Bridges.Should().ContainKey(first.BridgeName);
    }

    [Fact]
    public async Task Removing_a_network_deletes_its_bridge_and_rules_and_a_second_removal_says_not_found()
    {
        await _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "web" });
        var other = await _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "other" });

        await _test.Networks.RemoveAsync("web");

        Driver.Bridges.Keys.Should().Equal(other.BridgeName);
        Driver.Rules!.Select(n => n.Name).Should().Equal("other");
        (await _test.Networks.ListAsync()).Select(n => n.Name).Should().Equal("other");
        await FluentActions.Awaiting(() => _test.Networks.RemoveAsync("web")).Should().ThrowAsync<NetworkNotFoundException>();
        Driver.Calls.Count(c => c == "remove web").Should().Be(1);
    }

    [Fact]
    public async Task A_network_with_containers_is_not_removed_and_the_error_names_them()
    {
        await _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "web" });
        await _test.CreateContainerAsync("app", "web");

        var remove = () => _test.Networks.RemoveAsync("web");

        (await remove.Should().ThrowAsync<NetworkInUseException>()).Which.Containers.Should().Equal("app");
        Driver.Bridges.Should().ContainSingle();
    }

    [Fact]
    public async Task Pruning_removes_only_user_networks_without_containers()
    {
        await _test.Networks.InspectAsync("bridge");
        await _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "used" });
        await _test.Networks.CreateAsync(new NetworkCreateOptions { Name = "unused" });
        await _test.CreateContainerAsync("app", "used");

        var result = await _test.Networks.PruneAsync();

        result.Removed.Should().Equal("unused");
        (await _test.Networks.ListAsync()).Select(n => n.Name).Should().BeEquivalentTo("bridge", "used");
        Driver.Bridges.Should().HaveCount(2);
        Driver.Rules!.Select(n => n.Name).Should().BeEquivalentTo("bridge", "used");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _test.DisposeAsync();
}
