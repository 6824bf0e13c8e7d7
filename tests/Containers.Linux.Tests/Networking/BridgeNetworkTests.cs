using System.Net.Http;
using Containers.Containers;
using Containers.Linux.Hosting;
using Containers.Testing;
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
    public async Task A_port_published_on_all_addresses_is_reachable_on_loopback_and_a_taken_host_port_is_refused()
    {
        var network = await fixture.Networks.CreateAsync(new NetworkCreateOptions { Name = NetworkFixture.UniqueName("all") });
        var web = await fixture.StartWebServerAsync(network.Name, NetworkFixture.UniqueName("web"), "hello-all", [PortBinding.Parse("80")]);
        var port = (await fixture.Networks.GetPortsAsync(web.Id)).Single();
        port.HostIp.Should().Be("0.0.0.0");

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        (await RetryAsync(() => client.GetStringAsync($"http://127.0.0.1:{port.HostPort}/index.html"))).Should().Contain("hello-all");

        var clash = () => fixture.Containers.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox", Network = network.Name, Command = ["true"], PortBindings = [new PortBinding { ContainerPort = 80, HostPort = port.HostPort }],
        });
        (await clash.Should().ThrowAsync<PortAlreadyAllocatedException>()).Which.HostPort.Should().Be(port.HostPort);
        (await fixture.Networks.InspectAsync(network.Name)).Endpoints.Where(e => e.Address is not null).Should().ContainSingle("the refused container holds no address");
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

    [Fact]
    public async Task A_container_given_no_network_joins_the_default_bridge_and_its_published_port_answers_as_in_Docker()
    {
        // What a test fixture does: no network named, just a port to reach.
        var web = await fixture.Containers.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox",
            PortBindings = [PortBinding.Parse("127.0.0.1::80")],
            Command = ["sh", "-c", "mkdir -p /www && echo hello-default > /www/index.html && exec httpd -f -p 80 -h /www"],
        });
        var port = (await fixture.Networks.GetPortsAsync(web.Id)).Single().HostPort;

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        (await RetryAsync(() => client.GetStringAsync($"http://127.0.0.1:{port}/index.html"))).Should().Contain("hello-default");
        (await fixture.Containers.InspectAsync(web.Id)).Options.Network.Should().Be("bridge");
        (await fixture.Networks.InspectAsync("bridge")).Endpoints.Should().Contain(e => e.ContainerId == web.Id && e.Address != null);
        await fixture.Containers.RemoveAsync(web.Id, force: true);
    }

    [Fact]
    public async Task The_default_network_mode_can_be_configured()
    {
        await using var test = TestEngine.Create(b => b.AddLinuxRuntime(), defaultNetwork: "none");
        await test.ImportBusyboxAsync();

        var container = await test.Engine.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["ls", "/sys/class/net"] });
        await test.Engine.Containers.WaitAsync(container.Id);

        (await test.Engine.Containers.InspectAsync(container.Id)).Options.Network.Should().Be("none");
        (await test.Engine.Networks.ListAsync()).Should().BeEmpty("no bridge is created for a container that does not use one");
    }

    [Fact]
    public async Task A_host_port_range_takes_its_first_port_no_one_holds()
    {
        // Two adjacent free ports; a host process takes the first.
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var first = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port;
        var network = await fixture.Networks.CreateAsync(new NetworkCreateOptions { Name = NetworkFixture.UniqueName("range") });

        var web = await fixture.StartWebServerAsync(network.Name, NetworkFixture.UniqueName("web"), "hello-range", [PortBinding.Parse($"127.0.0.1:{first}-{first + 20}:80")]);

        var port = (await fixture.Networks.GetPortsAsync(web.Id)).Single();
        port.HostPort.Should().BeInRange(first + 1, first + 20, "the range's first port is held by this test");
        port.HostPortEnd.Should().Be(0, "the chosen port is reported, not the range");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        (await RetryAsync(() => client.GetStringAsync($"http://127.0.0.1:{port.HostPort}/index.html"))).Should().Contain("hello-range");
        await fixture.Containers.RemoveAsync(web.Id, force: true);
    }

    [Fact]
    public async Task A_container_reaches_another_containers_published_port_through_the_host()
    {
        var network = await fixture.Networks.CreateAsync(new NetworkCreateOptions { Name = NetworkFixture.UniqueName("hairpin") });
        var web = await fixture.StartWebServerAsync(network.Name, NetworkFixture.UniqueName("web"), "hello-hairpin", [PortBinding.Parse("80")]);
        var port = (await fixture.Networks.GetPortsAsync(web.Id)).Single().HostPort;

        // The gateway is the host's own address on the bridge: DNAT sends the request back into the bridge.
        var client = await fixture.RunAsync(new ContainerCreateOptions { Image = "busybox", Network = network.Name, Command = NetworkFixture.Fetch($"http://{network.Gateway}:{port}/index.html") });

        client.Stdout.Should().Contain("hello-hairpin", client.Stderr);
        await fixture.Containers.RemoveAsync(web.Id, force: true);
    }

    [Fact]
    public async Task Outbound_connections_leave_through_the_host_masqueraded_as_its_address()
    {
        await using var outside = await OutsideHost.StartAsync();
        var network = await fixture.Networks.CreateAsync(new NetworkCreateOptions { Name = NetworkFixture.UniqueName("out") });

        var result = await fixture.RunAsync(new ContainerCreateOptions { Image = "busybox", Network = network.Name, Command = NetworkFixture.Fetch($"http://{outside.Address}:8080/") });

        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stdout.Should().Be($"seen from {outside.HostAddress}", "the container's {0} source was rewritten to the host's", network.Subnet);
    }

    [Fact]
    public async Task Host_gateway_reaches_a_server_in_the_test_process_and_dns_settings_land_in_resolv_conf()
    {
        // What a fixture does when the container must call back into the test: a listener on the host, found by name.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            _ = await stream.ReadAsync(new byte[4096]);
            await stream.WriteAsync("HTTP/1.0 200 OK\r\nContent-Length: 12\r\n\r\nhello-tester"u8.ToArray());
        });

        var result = await fixture.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox",
            ExtraHosts = ["host.docker.internal:host-gateway", "db.local:10.1.2.3"],
            Dns = ["10.0.0.53"],
            DnsSearch = ["tests.example"],
            Command = ["sh", "-c", $"cat /etc/hosts /etc/resolv.conf; timeout 5 wget -q -O - http://host.docker.internal:{port}/"],
        });

        var gateway = (await fixture.Networks.InspectAsync("bridge")).Gateway;
        result.Stdout.Should().Contain($"{gateway}\thost.docker.internal\n").And.Contain("10.1.2.3\tdb.local\n")
            .And.Contain("nameserver 10.0.0.53\n").And.Contain("search tests.example\n")
            .And.EndWith("hello-tester", result.Stderr);
        await serve;
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
