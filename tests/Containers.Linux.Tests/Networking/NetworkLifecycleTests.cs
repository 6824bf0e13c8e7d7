using Containers.Containers;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Networks;
using Containers.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Linux.Tests.Networking;

/// <summary>Address management across engines, cleanup of kernel objects, hosts files that follow the network, typed errors.</summary>
public sealed class NetworkLifecycleTests(NetworkFixture fixture) : IClassFixture<NetworkFixture>
{
    private static readonly string[] Sleep = ["sleep", "60"];

    [Fact]
    public async Task Two_engines_sharing_a_root_never_hand_out_one_address_twice()
    {
        var network = await fixture.Networks.CreateAsync(new NetworkCreateOptions { Name = NetworkFixture.UniqueName("ipam") });
        await using var second = ContainerEngine.Create(new ContainersOptions { Root = fixture.Test.Root }, b => b.AddLinuxRuntime());
        var engines = new[] { fixture.Containers, second.Containers };

        var started = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            engines[i % 2].RunAsync(new ContainerCreateOptions { Image = "busybox", Network = network.Name, Command = Sleep })));

        var endpoints = (await fixture.Networks.InspectAsync(network.Name)).Endpoints;
        endpoints.Should().HaveCount(8);
        endpoints.Select(e => e.Address).Should().OnlyHaveUniqueItems().And.NotContainNulls().And.NotContain(network.Gateway);
        foreach (var container in started)
        {
            await fixture.Containers.RemoveAsync(container.Id, force: true);
        }
    }

    [Fact]
    public async Task Removing_a_container_and_its_network_leaves_no_veth_bridge_or_rule_behind()
    {
        var network = await fixture.Networks.CreateAsync(new NetworkCreateOptions { Name = NetworkFixture.UniqueName("clean") });
        var container = await fixture.Containers.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox", Network = network.Name, Command = Sleep, PortBindings = [PortBinding.Parse("127.0.0.1::8080")],
        });
        var endpoint = (await fixture.Networks.InspectAsync(network.Name)).Endpoints.Single();
        var port = (await fixture.Networks.GetPortsAsync(container.Id)).Single().HostPort;

        Directory.Exists($"/sys/class/net/{endpoint.HostInterface}/master").Should().BeTrue("the host end of the veth is on the bridge");
        Directory.Exists($"/sys/class/net/{network.BridgeName}").Should().BeTrue();
        (await NftAsync()).Should().Contain($"dport {port} dnat to {endpoint.Address}:8080");

        await fixture.Containers.RemoveAsync(container.Id, force: true);
        await EventuallyGoneAsync($"/sys/class/net/{endpoint.HostInterface}");
        (await NftAsync()).Should().NotContain($"dport {port}");
        (await fixture.Networks.InspectAsync(network.Name)).Endpoints.Should().BeEmpty();

        await fixture.Networks.RemoveAsync(network.Name);
        Directory.Exists($"/sys/class/net/{network.BridgeName}").Should().BeFalse();
        (await NftAsync()).Should().NotContain(network.BridgeName);
    }

    [Fact]
    public async Task Hosts_files_follow_containers_as_they_join_and_leave()
    {
        var network = await fixture.Networks.CreateAsync(new NetworkCreateOptions { Name = NetworkFixture.UniqueName("hosts") });
        var first = await fixture.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Name = NetworkFixture.UniqueName("first"), Network = network.Name, Command = Sleep });
        var second = await fixture.Containers.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox", Name = NetworkFixture.UniqueName("second"), Network = network.Name, NetworkAliases = ["db"], Command = Sleep,
        });
        var hostsOfFirst = Path.Combine(fixture.Test.Root, "containers", first.Id, "hosts");

        (await File.ReadAllTextAsync(hostsOfFirst)).Should().Contain(second.Name).And.Contain(" db ");

        await fixture.Containers.StopAsync(second.Id, TimeSpan.Zero);
        (await File.ReadAllTextAsync(hostsOfFirst)).Should().NotContain(second.Name);
        await fixture.Containers.RemoveAsync(first.Id, force: true);
        await fixture.Containers.RemoveAsync(second.Id, force: true);
    }

    [Fact]
    public async Task A_running_container_is_connected_and_disconnected_live()
    {
        var first = await fixture.Networks.CreateAsync(new NetworkCreateOptions { Name = NetworkFixture.UniqueName("live-a") });
        var second = await fixture.Networks.CreateAsync(new NetworkCreateOptions { Name = NetworkFixture.UniqueName("live-b") });
        var container = await fixture.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Network = first.Name, Command = Sleep });
        var devices = $"/proc/{container.State.Pid}/net/dev";

        await fixture.Networks.ConnectAsync(second.Name, container.Id, ["other"]);
        (await File.ReadAllTextAsync(devices)).Should().Contain("eth0:").And.Contain("eth1:");
        (await fixture.Networks.InspectAsync(second.Name)).Endpoints.Single().Address.Should().StartWith(second.Subnet[..^4]);

        await fixture.Networks.DisconnectAsync(second.Name, container.Id);
        (await File.ReadAllTextAsync(devices)).Should().NotContain("eth1:");
        (await fixture.Networks.InspectAsync(second.Name)).Endpoints.Should().BeEmpty();
        await fixture.Containers.RemoveAsync(container.Id, force: true);
    }

    [Fact]
    public async Task Recovery_releases_an_endpoint_whose_container_died_with_its_engine()
    {
        var network = await fixture.Networks.CreateAsync(new NetworkCreateOptions { Name = NetworkFixture.UniqueName("crash") });
        var container = await fixture.Containers.CreateAsync(new ContainerCreateOptions { Image = "busybox", Network = network.Name, PortBindings = [PortBinding.Parse("9999")], Command = Sleep });

        // What a SIGKILLed engine leaves: an endpoint holding an address, a veth name and a port rule for a container that is not running.
        var path = Path.Combine(fixture.Test.Root, "networks", network.Name + ".json");
        var stale = (await fixture.Networks.InspectAsync(network.Name)) is var n ? n with
        {
            Endpoints = [n.Endpoints.Single() with { Address = "172.31.255.77", HostInterface = "dvdeadbeef0000", Interface = "eth0", Ports = [PortBinding.Parse("127.0.0.1:45678:9999")] }],
        } : null;
        await File.WriteAllBytesAsync(path, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(stale!, NetworkJsonContext.Default.NetworkDetails));

        var recovered = await fixture.Test.Engine.Services.GetRequiredService<NetworkService>().RecoverAsync(CancellationToken.None);

        recovered.Should().BeGreaterThan(0);
        var endpoint = (await fixture.Networks.InspectAsync(network.Name)).Endpoints.Single();
        endpoint.Address.Should().BeNull();
        endpoint.Ports.Should().BeEmpty();
        (await NftAsync()).Should().NotContain("45678");
        await fixture.Containers.RemoveAsync(container.Id);
        (await fixture.Networks.InspectAsync(network.Name)).Endpoints.Should().BeEmpty();
    }

    [Fact]
    public async Task Bad_network_input_gets_typed_errors_and_leaves_nothing_behind()
    {
        var name = NetworkFixture.UniqueName("bad");
        var existing = await fixture.Networks.CreateAsync(new NetworkCreateOptions { Name = NetworkFixture.UniqueName("taken") });

        await fixture.Invoking(f => f.Networks.CreateAsync(new NetworkCreateOptions { Name = name, Subnet = "10.77.0.1/24" })).Should().ThrowAsync<InvalidSubnetException>();
        await fixture.Invoking(f => f.Networks.CreateAsync(new NetworkCreateOptions { Name = name, Subnet = "banana" })).Should().ThrowAsync<InvalidSubnetException>();
        await fixture.Invoking(f => f.Networks.CreateAsync(new NetworkCreateOptions { Name = name, Subnet = "10.77.0.0/24", Gateway = "10.78.0.1" })).Should().ThrowAsync<InvalidSubnetException>();
        await fixture.Invoking(f => f.Networks.CreateAsync(new NetworkCreateOptions { Name = name, Subnet = existing.Subnet })).Should().ThrowAsync<SubnetOverlapException>();
        await fixture.Invoking(f => f.Networks.CreateAsync(new NetworkCreateOptions { Name = existing.Name })).Should().ThrowAsync<NetworkNameConflictException>();
        await fixture.Invoking(f => f.Networks.CreateAsync(new NetworkCreateOptions { Name = "host" })).Should().ThrowAsync<NetworkNameConflictException>();
        await fixture.Invoking(f => f.Networks.CreateAsync(new NetworkCreateOptions { Name = "../etc" })).Should().ThrowAsync<NetworkNameConflictException>();
        await fixture.Invoking(f => f.Networks.InspectAsync(name)).Should().ThrowAsync<NetworkNotFoundException>();
        await fixture.Invoking(f => f.Networks.RemoveAsync("bridge")).Should().ThrowAsync<PredefinedNetworkException>();

        var before = (await fixture.Containers.ListAsync(all: true)).Count;
        await fixture.Invoking(f => f.Containers.CreateAsync(new ContainerCreateOptions { Image = "busybox", Network = name })).Should().ThrowAsync<NetworkNotFoundException>();
        await fixture.Invoking(f => f.Containers.CreateAsync(new ContainerCreateOptions { Image = "busybox", Network = "none", PortBindings = [PortBinding.Parse("80")] }))
            .Should().ThrowAsync<InvalidContainerConfigurationException>();
        await fixture.Invoking(f => f.Containers.CreateAsync(new ContainerCreateOptions { Image = "busybox", Network = existing.Name, PortBindings = [new PortBinding { ContainerPort = 70000 }] }))
            .Should().ThrowAsync<InvalidPortSpecificationException>();
        (await fixture.Containers.ListAsync(all: true)).Should().HaveCount(before);
        Directory.EnumerateFiles(Path.Combine(fixture.Test.Root, "networks")).Select(Path.GetFileName).Should().NotContain(name + ".json");
    }

    [Fact]
    public async Task A_network_in_use_cannot_be_removed_and_prune_keeps_it()
    {
        var network = await fixture.Networks.CreateAsync(new NetworkCreateOptions { Name = NetworkFixture.UniqueName("used") });
        var unused = await fixture.Networks.CreateAsync(new NetworkCreateOptions { Name = NetworkFixture.UniqueName("unused") });
        var container = await fixture.Containers.CreateAsync(new ContainerCreateOptions { Image = "busybox", Network = network.Name });

        await fixture.Invoking(f => f.Networks.RemoveAsync(network.Name)).Should().ThrowAsync<NetworkInUseException>();
        var pruned = await fixture.Networks.PruneAsync();

        pruned.Removed.Should().Contain(unused.Name).And.NotContain(network.Name).And.NotContain("bridge");
        Directory.Exists($"/sys/class/net/{unused.BridgeName}").Should().BeFalse();
        await fixture.Containers.RemoveAsync(container.Id);
        await fixture.Networks.RemoveAsync(network.Name);
    }

    [Fact]
    public async Task A_subnet_another_root_routes_is_refused_and_skipped()
    {
        await using var other = TestEngine.Create(b => b.AddLinuxRuntime());
        try
        {
            var theirs = await other.Engine.Networks.CreateAsync(new NetworkCreateOptions { Name = "theirs" });

            await fixture.Invoking(f => f.Networks.CreateAsync(new NetworkCreateOptions { Name = NetworkFixture.UniqueName("mine"), Subnet = theirs.Subnet }))
                .Should().ThrowAsync<SubnetOverlapException>().WithMessage("*host route*");
            var mine = await fixture.Networks.CreateAsync(new NetworkCreateOptions { Name = NetworkFixture.UniqueName("mine") });
            Ipv4Subnet.Parse(mine.Subnet).Overlaps(Ipv4Subnet.Parse(theirs.Subnet)).Should().BeFalse();
            await fixture.Networks.RemoveAsync(mine.Name);
        }
        finally
        {
            await other.Engine.Services.GetRequiredService<NetworkService>().RemoveAllAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void Addresses_are_never_handed_out_twice_and_skip_the_gateway()
    {
        var network = new NetworkDetails { Name = "n", Id = new string('a', 64), Subnet = "10.9.0.0/29", Gateway = "10.9.0.1", BridgeName = "dcx" };
        var taken = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var address = AddressAllocator.ChooseAddress(network);
            taken.Add(address);
            network = network with { Endpoints = [.. network.Endpoints, new NetworkEndpoint { ContainerId = i.ToString(System.Globalization.CultureInfo.InvariantCulture), ContainerName = "c", Address = address }] };
        }

        taken.Should().Equal("10.9.0.2", "10.9.0.3", "10.9.0.4", "10.9.0.5", "10.9.0.6");
        var exhausted = () => AddressAllocator.ChooseAddress(network);
        exhausted.Should().Throw<AddressPoolExhaustedException>();
    }

    [Fact]
    public async Task A_container_restarted_at_once_gets_its_interface_back()
    {
        // Its last run's veth pair may still be going away with the old namespace when the new one is created.
        var network = await fixture.Networks.CreateAsync(new NetworkCreateOptions { Name = NetworkFixture.UniqueName("restart") });
        var container = await fixture.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Network = network.Name, Command = Sleep });

        // A leftover of the host-side name, as a dying namespace leaves for a moment, is cleared rather than fatal.
        await fixture.Containers.StopAsync(container.Id, TimeSpan.Zero);
        var name = NetworkService.HostInterfaceName(container.Id, network.Id);
        await EventuallyGoneAsync($"/sys/class/net/{name}");
        var leftover = await ExternalTool.RunAsync("ip", ["link", "add", name, "type", "veth", "peer", "name", "tp" + Guid.NewGuid().ToString("N")[..8]]);
        leftover.ExitCode.Should().Be(0, leftover.Stderr);
        await fixture.Containers.StartAsync(container.Id);
        Directory.Exists($"/sys/class/net/{name}/master").Should().BeTrue("the leftover was replaced by the container's veth");

        for (var i = 0; i < 5; i++)
        {
            await fixture.Containers.RestartAsync(container.Id, TimeSpan.Zero);
            var endpoint = (await fixture.Networks.InspectAsync(network.Name)).Endpoints.Single();
            endpoint.Address.Should().NotBeNull();
            Directory.Exists($"/sys/class/net/{endpoint.HostInterface}/master").Should().BeTrue("run {0} has its veth on the bridge", i);
        }

        await fixture.Containers.RemoveAsync(container.Id, force: true);
        await fixture.Networks.RemoveAsync(network.Name);
    }

    /// <summary>Waits for the kernel to remove an interface that went with a container's namespace.</summary>
    private static async Task EventuallyGoneAsync(string path)
    {
        for (var attempt = 0; Directory.Exists(path); attempt++)
        {
            attempt.Should().BeLessThan(250, $"{path} should go with the container's network namespace");
            await Task.Delay(20);
        }
    }

    private async Task<string> NftAsync()
    {
        var result = await ExternalTool.RunAsync("nft", ["list", "table", "ip", fixture.Table]);
        return result.Stdout;
    }
}
