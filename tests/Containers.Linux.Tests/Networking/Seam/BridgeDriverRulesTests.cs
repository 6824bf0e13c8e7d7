using Containers.Linux.Networking;
using Containers.Networks;

namespace Containers.Linux.Tests.Networking.Seam;

/// <summary>The root's firewall table as the driver writes it to a fake firewall: published ports, NAT and isolation.</summary>
[Trait("Category", "NoRoot")]
public sealed class BridgeDriverRulesTests : IDisposable
{
    private readonly FakeNetworkHost _host = new();

    [Fact]
    public async Task Published_ports_become_dnat_rules_to_the_container_address_in_one_labelled_table()
    {
        var network = FakeNetworkHost.Network(subnet: "10.89.3.0/24");
        var endpoint = FakeNetworkHost.Endpoint(network, "app", "10.89.3.2", "eth0",
            new PortBinding { ContainerPort = 80, HostPort = 8080 },
            new PortBinding { ContainerPort = 53, HostPort = 5353, HostIp = "127.0.0.1", Protocol = "udp" });

        await _host.Driver.SyncRulesAsync([network with { Endpoints = [endpoint] }]);

        _host.Firewall.Tables.Keys.Should().Equal(_host.Driver.TableName);
        _host.Firewall.Tables[_host.Driver.TableName].Comment.Should().Be(FakeNetworkHost.Owner.ToString(), "reclaim finds a root's table by this label");
        _host.Firewall.Rules(_host.Driver.TableName, "ports").Should().Equal(
            "fib daddr type local tcp dport 8080 dnat to 10.89.3.2:80",
            "ip daddr 127.0.0.1 udp dport 5353 dnat to 10.89.3.2:53");
        _host.Firewall.Rules(_host.Driver.TableName, "prerouting").Should().Equal("jump ports");
        _host.Firewall.Rules(_host.Driver.TableName, "output").Should().Equal("jump ports");
        _host.Firewall.Rules(_host.Driver.TableName, "postrouting").Should().Contain($"ip saddr 10.89.3.0/24 oifname != \"{network.BridgeName}\" masquerade");
    }

    [Fact]
    public async Task A_released_endpoint_and_an_internal_network_publish_nothing()
    {
        var released = FakeNetworkHost.Network("released", "10.89.3.0/24");
        var isolated = FakeNetworkHost.Network("isolated", "10.89.4.0/24", isInternal: true);
        var port = new PortBinding { ContainerPort = 80, HostPort = 8080 };

        await _host.Driver.SyncRulesAsync(
        [
            released with { Endpoints = [FakeNetworkHost.Endpoint(released, "stopped", "10.89.3.2", "eth0", port) with { Address = null }] },
            isolated with { Endpoints = [FakeNetworkHost.Endpoint(isolated, "inside", "10.89.4.2", "eth0", port with { HostPort = 8081 })] },
        ]);

        var table = _host.Driver.TableName;
        _host.Firewall.Rules(table, "ports").Should().BeEmpty();
        _host.Firewall.Rules(table, "postrouting").Should().NotContain(r => r.Contains("10.89.4.0/24", StringComparison.Ordinal), "an internal network reaches nothing outside");
        _host.Firewall.Rules(table, "forward").Should().Contain($"iifname \"{isolated.BridgeName}\" oifname != \"{isolated.BridgeName}\" drop");
    }

    [Fact]
    public async Task Syncing_no_networks_deletes_the_table_and_doing_it_again_is_no_error()
    {
        await _host.Driver.SyncRulesAsync([FakeNetworkHost.Network()]);

        await _host.Driver.SyncRulesAsync([]);
        await _host.Driver.SyncRulesAsync([]);

        _host.Firewall.Tables.Should().BeEmpty();
        _host.Firewall.Commits.Should().Be(3);
    }

    [Fact]
    public async Task A_refused_transaction_surfaces_as_a_network_setup_error_and_keeps_the_previous_rules()
    {
        var network = FakeNetworkHost.Network();
        await _host.Driver.SyncRulesAsync([network]);
        var before = _host.Firewall.Tables[_host.Driver.TableName].ToString();
        _host.Firewall.Fail(times: 1);

        var sync = () => _host.Driver.SyncRulesAsync([network, FakeNetworkHost.Network("more", "10.89.9.0/24")]);

        await sync.Should().ThrowAsync<NetworkSetupException>();
        _host.Firewall.Tables[_host.Driver.TableName].ToString().Should().Be(before);
    }

    public void Dispose() => _host.Dispose();
}
