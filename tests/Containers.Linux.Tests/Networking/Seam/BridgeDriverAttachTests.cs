using Containers.Linux.Interop;
using Containers.Linux.Networking;
using Containers.Networks;

namespace Containers.Linux.Tests.Networking.Seam;

/// <summary>Attaching a container to a bridge and detaching it, against a fake kernel: the veth pair, its two ends, and what a failure leaves.</summary>
[Trait("Category", "NoRoot")]
public sealed class BridgeDriverAttachTests : IAsyncLifetime
{
    private const int Pid = 4242;
    private readonly FakeNetworkHost _host = new();
    private readonly NetworkDetails _network = FakeNetworkHost.Network(subnet: "10.89.3.0/24");

    public async Task InitializeAsync()
    {
        _host.Kernel.AddProcess(Pid);
        await _host.Driver.CreateNetworkAsync(_network);
    }

    [Fact]
    public async Task Attaching_puts_one_end_of_a_veth_pair_on_the_bridge_and_the_other_addressed_in_the_container()
    {
        var endpoint = FakeNetworkHost.Endpoint(_network, "app", "10.89.3.2");

        await _host.Driver.AttachAsync(_network, endpoint, Pid, defaultRoute: true);

        var bridge = _host.Kernel.Host.Find(_network.BridgeName)!;
        var hostEnd = _host.Kernel.Host.Find(endpoint.HostInterface!);
        hostEnd.Should().NotBeNull(_host.Describe());
        hostEnd!.Kind.Should().Be("veth");
        hostEnd.Master.Should().Be(bridge.Index);
        hostEnd.Up.Should().BeTrue();
        hostEnd.Alias.Should().Be(FakeNetworkHost.Owner.ToString());
        hostEnd.Addresses.Should().BeEmpty();

        var inside = _host.Kernel.Namespace(Pid);
        var eth0 = inside.Find("eth0");
        eth0.Should().NotBeNull("the peer is created in the container's namespace");
        eth0!.Peer.Should().BeSameAs(hostEnd);
        eth0.Addresses.Should().Equal("10.89.3.2/24");
        eth0.Up.Should().BeTrue();
        inside.DefaultRoute.Should().Be("via 10.89.3.1 dev eth0");
        _host.Kernel.Host.Links.Should().NotContain(l => l.Name == "eth0", "the peer never appears on the host");
    }

    [Fact]
    public async Task A_second_network_gives_the_container_a_second_interface_without_a_default_route()
    {
        var second = FakeNetworkHost.Network("second", "10.89.4.0/24");
        await _host.Driver.CreateNetworkAsync(second);

        await _host.Driver.AttachAsync(_network, FakeNetworkHost.Endpoint(_network, "app", "10.89.3.2"), Pid, defaultRoute: true);
        await _host.Driver.AttachAsync(second, FakeNetworkHost.Endpoint(second, "app", "10.89.4.2", "eth1"), Pid, defaultRoute: false);

        var inside = _host.Kernel.Namespace(Pid);
        inside.Find("eth1")!.Addresses.Should().Equal("10.89.4.2/24");
        inside.Find("eth1")!.Peer!.Master.Should().Be(_host.Kernel.Host.Find(second.BridgeName)!.Index);
        inside.DefaultRoute.Should().Be("via 10.89.3.1 dev eth0");
    }

    [Theory]
    [InlineData(nameof(IRtnetlink.AddToBridge))]
    [InlineData(nameof(INetworkLinks.InNamespaceAsync))]
    [InlineData(nameof(IRtnetlink.AddAddress))]
    [InlineData(nameof(IRtnetlink.SetUp))]
    [InlineData(nameof(IRtnetlink.AddDefaultRoute))]
    public async Task A_step_failing_after_the_veth_pair_was_made_leaves_no_interface_on_either_side(string operation)
    {
        var endpoint = FakeNetworkHost.Endpoint(_network, "app", "10.89.3.2");
        var before = _host.Kernel.Links().Select(l => l.ToString()).ToList();
        _host.Kernel.Fail(operation, errno: Errno.EPERM);

        var attach = () => _host.Driver.AttachAsync(_network, endpoint, Pid, defaultRoute: true);

        await attach.Should().ThrowAsync<NetworkSetupException>();
        _host.Kernel.Links().Select(l => l.ToString()).Should().Equal(before, _host.Describe());
        _host.Kernel.Links(Pid).Select(l => l.Name).Should().Equal("lo");
    }

    [Fact]
    public async Task A_missing_bridge_fails_the_attach_naming_recovery_and_leaves_no_veth()
    {
        // A reboot removes bridges; until engine recovery makes them again, an attach cannot succeed.
        await _host.Driver.RemoveNetworkAsync(_network);
        var endpoint = FakeNetworkHost.Endpoint(_network, "app", "10.89.3.2");

        var attach = () => _host.Driver.AttachAsync(_network, endpoint, Pid, defaultRoute: true);

        (await attach.Should().ThrowAsync<NetworkSetupException>()).Which.Step.Should().Contain("run engine recovery");
        _host.Kernel.Links().Should().BeEmpty(_host.Describe());
        _host.Kernel.Links(Pid).Select(l => l.Name).Should().Equal("lo");
    }

    [Fact]
    public async Task Attaching_to_a_process_that_is_gone_fails_and_leaves_nothing()
    {
        var endpoint = FakeNetworkHost.Endpoint(_network, "app", "10.89.3.2");

        var attach = () => _host.Driver.AttachAsync(_network, endpoint, pid: 9999, defaultRoute: true);

        (await attach.Should().ThrowAsync<NetworkSetupException>()).Which.Message.Should().Contain("ESRCH");
        _host.Kernel.Links().Select(l => l.Name).Should().Equal(_network.BridgeName);
    }

    [Fact]
    public async Task A_pair_of_the_same_name_still_going_away_is_replaced()
    {
        // The container's last run: its namespace is being torn down, and the host end of its pair with it.
        var endpoint = FakeNetworkHost.Endpoint(_network, "app", "10.89.3.2");
        var stale = _host.Kernel.AddLink(endpoint.HostInterface!, "veth");

        await _host.Driver.AttachAsync(_network, endpoint, Pid, defaultRoute: true);

        var hostEnd = _host.Kernel.Host.Find(endpoint.HostInterface!)!;
        hostEnd.Should().NotBeSameAs(stale);
        hostEnd.Peer.Should().BeSameAs(_host.Kernel.Namespace(Pid).Find("eth0"));
    }

    [Fact]
    public async Task Detaching_deletes_both_ends_and_detaching_again_is_no_error()
    {
        var endpoint = FakeNetworkHost.Endpoint(_network, "app", "10.89.3.2");
        await _host.Driver.AttachAsync(_network, endpoint, Pid, defaultRoute: true);

        await _host.Driver.DetachAsync(endpoint, containerExited: false);
        await _host.Driver.DetachAsync(endpoint, containerExited: false);

        _host.Kernel.Links().Select(l => l.Name).Should().Equal(_network.BridgeName);
        _host.Kernel.Links(Pid).Select(l => l.Name).Should().Equal("lo");
        _host.Kernel.Namespace(Pid).DefaultRoute.Should().BeNull();
    }

    [Fact]
    public async Task Detaching_a_container_that_exited_leaves_the_pair_to_the_kernel()
    {
        var endpoint = FakeNetworkHost.Endpoint(_network, "app", "10.89.3.2");
        await _host.Driver.AttachAsync(_network, endpoint, Pid, defaultRoute: true);
        _host.Kernel.EndProcess(Pid);
        var calls = _host.Kernel.Calls.Count;

        await _host.Driver.DetachAsync(endpoint, containerExited: true);

        _host.Kernel.Calls.Should().HaveCount(calls, "a dying namespace takes its pairs with it; waiting for the kernel to delete one costs 10-20 ms");
        _host.Kernel.Links().Select(l => l.Name).Should().Equal(_network.BridgeName);
    }

    [Fact]
    public async Task Detaching_an_endpoint_that_never_got_an_interface_asks_nothing()
    {
        var endpoint = FakeNetworkHost.Endpoint(_network, "app", "10.89.3.2") with { HostInterface = null };
        var calls = _host.Kernel.Calls.Count;

        await _host.Driver.DetachAsync(endpoint, containerExited: false);

        _host.Kernel.Calls.Should().HaveCount(calls);
    }

    public Task DisposeAsync()
    {
        _host.Dispose();
        return Task.CompletedTask;
    }
}
