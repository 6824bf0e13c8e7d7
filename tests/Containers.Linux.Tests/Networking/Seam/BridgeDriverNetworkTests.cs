using Containers.Linux.Interop;
using Containers.Linux.Networking;

namespace Containers.Linux.Tests.Networking.Seam;

/// <summary>Creating and removing a network's bridge, against a fake kernel: what is made, what a failure leaves, what removal takes.</summary>
[Trait("Category", "NoRoot")]
public sealed class BridgeDriverNetworkTests : IDisposable
{
    private readonly FakeNetworkHost _host = new();

    [Fact]
    public async Task Creating_a_network_makes_one_labelled_bridge_with_the_gateway_address_that_is_up()
    {
        var network = FakeNetworkHost.Network(subnet: "10.89.3.0/24");

        await _host.Driver.CreateNetworkAsync(network);

        var bridge = _host.Kernel.Links().Should().ContainSingle().Subject;
        bridge.Name.Should().Be(network.BridgeName);
        bridge.Kind.Should().Be("bridge");
        bridge.Alias.Should().Be(FakeNetworkHost.Owner.ToString(), "reclaim finds a root's bridges by this label");
        bridge.Addresses.Should().Equal("10.89.3.1/24");
        bridge.Up.Should().BeTrue();
        _host.Kernel.Host.Sysctls.Should().Contain($"net/ipv4/conf/{network.BridgeName}/route_localnet", "1", "published ports answer on 127.0.0.1")
            .And.Contain("net/ipv4/ip_forward", "1");
    }

    [Fact]
    public async Task Creating_a_network_whose_bridge_exists_keeps_that_bridge_as_it_is()
    {
        // Recovery creates every recorded network again; after a restart without a reboot the bridges are still there.
        var network = FakeNetworkHost.Network();
        await _host.Driver.CreateNetworkAsync(network);
        var before = _host.Kernel.Links().Single();

        await _host.Driver.CreateNetworkAsync(network);

        var after = _host.Kernel.Links().Should().ContainSingle().Subject;
        after.Index.Should().Be(before.Index, "the bridge was not made again");
        after.Addresses.Should().ContainSingle();
    }

    [Theory]
    [InlineData(nameof(IRtnetlink.SetAlias), "labelling bridge")]
    [InlineData(nameof(IRtnetlink.AddAddress), "the address 10.89.3.1")]
    [InlineData(nameof(IRtnetlink.SetUp), "up")]
    [InlineData(nameof(INetworkLinks.SetSysctl), "route_localnet")]
    public async Task A_step_failing_after_the_bridge_was_made_deletes_the_bridge(string operation, string step)
    {
        // Nothing records the network yet, and a labelled bridge of a live root is never reclaimed: left, it would stay
        // until the root is deleted, holding its subnet's route.
        var network = FakeNetworkHost.Network(subnet: "10.89.3.0/24");
        _host.Kernel.Fail(operation, errno: Errno.EPERM);

        var create = () => _host.Driver.CreateNetworkAsync(network);

        (await create.Should().ThrowAsync<NetworkSetupException>()).Which.Step.Should().Contain(step);
        _host.Kernel.Links().Should().BeEmpty(_host.Describe());
    }

    [Fact]
    public async Task A_step_failing_while_a_recorded_network_is_made_again_keeps_its_existing_bridge()
    {
        var network = FakeNetworkHost.Network();
        await _host.Driver.CreateNetworkAsync(network);
        _host.Kernel.Fail(nameof(IRtnetlink.SetUp));

        var create = () => _host.Driver.CreateNetworkAsync(network);

        await create.Should().ThrowAsync<NetworkSetupException>();
        _host.Kernel.Links().Should().ContainSingle(l => l.Name == network.BridgeName, "the bridge belongs to a recorded network, whose removal deletes it");
    }

    [Fact]
    public async Task A_refused_bridge_leaves_nothing_and_says_which_step()
    {
        var network = FakeNetworkHost.Network();
        _host.Kernel.Fail(nameof(IRtnetlink.CreateBridge), errno: Errno.EPERM);

        var create = () => _host.Driver.CreateNetworkAsync(network);

        (await create.Should().ThrowAsync<NetworkSetupException>()).Which.Message.Should().Contain($"creating bridge {network.BridgeName}").And.Contain("EPERM");
        _host.Kernel.Links().Should().BeEmpty();
    }

    [Fact]
    public async Task Removing_a_network_deletes_its_bridge_and_removing_it_again_is_no_error()
    {
        var network = FakeNetworkHost.Network();
        var other = FakeNetworkHost.Network("other", "10.89.4.0/24");
        await _host.Driver.CreateNetworkAsync(network);
        await _host.Driver.CreateNetworkAsync(other);

        await _host.Driver.RemoveNetworkAsync(network);
        await _host.Driver.RemoveNetworkAsync(network);

        _host.Kernel.Links().Select(l => l.Name).Should().Equal([other.BridgeName], "only the removed network's bridge goes");
        _host.Kernel.Calls.Where(c => c.Operation == nameof(IRtnetlink.DeleteLink)).Select(c => c.Errno).Should().Equal(0, 19);
    }

    public void Dispose() => _host.Dispose();
}
