using System.Net.Http;
using Containers.Containers;
using Containers.Networks;

namespace Containers.Linux.Tests.Networking;

/// <summary>Real bridges, veth pairs and nftables rules: containers that talk by name, published ports, isolation.</summary>
public sealed class BridgeNetworkTests(NetworkFixture fixture) : IClassFixture<NetworkFixture>
{
    [Fact]
    public async Task Two_containers_on_a_user_defined_network_talk_by_name_and_alias()
    {
        var network = await fixture.Networks.CreateAsync(new NetworkCreateOptions { Name = NetworkFixture.UniqueName("talk") });
        var web = NetworkFixture.UniqueName("web");
        await fixture.StartWebServerAsync(network.Name, web, "hello-by-name", aliases: ["www"]);

        var byName = await fixture.RunAsync(new ContainerCreateOptions { Image = "busybox", Network = network.Name, Command = NetworkFixture.Fetch($"http://{web}/index.html") });
        var byAlias = await fixture.RunAsync(new ContainerCreateOptions { Image = "busybox", Network = network.Name, Command = NetworkFixture.Fetch("http://www/index.html") });

        byName.Stdout.Should().Contain("hello-by-name", byName.Stderr);
        byAlias.Stdout.Should().Contain("hello-by-name", byAlias.Stderr);
        await fixture.Containers.RemoveAsync(web, force: true);
    }

    [Fact]
    public async Task A_published_port_is_reachable_from_the_host_loopback_on_a_random_port()
    {
        var network = await fixture.Networks.CreateAsync(new NetworkCreateOptions { Name = NetworkFixture.UniqueName("pub") });
        var web = await fixture.StartWebServerAsync(network.Name, NetworkFixture.UniqueName("web"), "hello-from-port", [PortBinding.Parse("127.0.0.1::80")]);

        var ports = await fixture.Networks.GetPortsAsync(web.Id);
        ports.Should().ContainSingle().Which.HostPort.Should().BeInRange(1, 65535);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var body = await RetryAsync(() => client.GetStringAsync($"http://127.0.0.1:{ports[0].HostPort}/index.html"));

        body.Should().Contain("hello-from-port");
        await fixture.Containers.RemoveAsync(web.Id, force: true);
    }

    [Fact]
    public async Task A_container_on_another_network_cannot_reach_it()
    {
        var first = await fixture.Networks.CreateAsync(new NetworkCreateOptions { Name = NetworkFixture.UniqueName("iso-a") });
        var second = await fixture.Networks.CreateAsync(new NetworkCreateOptions { Name = NetworkFixture.UniqueName("iso-b") });
        var web = await fixture.StartWebServerAsync(first.Name, NetworkFixture.UniqueName("web"), "secret");
        var address = (await fixture.Networks.InspectAsync(first.Name)).Endpoints.Single(e => e.ContainerId == web.Id).Address;

        // The same network reaches it by address, which proves the server is up; the other network does not.
        var same = await fixture.RunAsync(new ContainerCreateOptions { Image = "busybox", Network = first.Name, Command = NetworkFixture.Fetch($"http://{address}/index.html") });
        var other = await fixture.RunAsync(new ContainerCreateOptions { Image = "busybox", Network = second.Name, Command = NetworkFixture.Fetch($"http://{address}/index.html", attempts: 2) });

        same.Stdout.Should().Contain("secret");
        other.ExitCode.Should().NotBe(0);
        other.Stdout.Should().NotContain("secret");
        await fixture.Containers.RemoveAsync(web.Id, force: true);
    }

    [Fact]
    public async Task The_none_mode_has_only_loopback_and_a_bridge_container_gets_eth0_with_a_default_route()
    {
        var none = await fixture.RunAsync(new ContainerCreateOptions { Image = "busybox", Network = "none", Command = ["sh", "-c", "ls /sys/class/net"] });
        var bridged = await fixture.RunAsync(new ContainerCreateOptions { Image = "busybox", Network = "bridge", Command = ["sh", "-c", "ls /sys/class/net; ip -4 route"] });
        var bridge = await fixture.Networks.InspectAsync("bridge");

        none.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal("lo");
        bridged.Stdout.Should().Contain("eth0").And.Contain("default via " + bridge.Gateway);
    }

    private static async Task<string> RetryAsync(Func<Task<string>> request)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await request();
            }
            catch (HttpRequestException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }
}
