using Containers.Fixtures;

namespace Containers.Linux.Tests.Fixtures;

/// <summary>The generic builder and the handle: settings reach the container, files are in place before it starts, and disposing leaves nothing.</summary>
public sealed class ContainerBuilderTests(FixtureEngine fixture) : IClassFixture<FixtureEngine>
{
    [Fact]
    public void Every_with_returns_a_new_builder_and_leaves_the_old_one_unchanged()
    {
        var basic = new ContainerBuilder("busybox").WithEnvironment("A", "1");
        var extended = basic.WithEnvironment("A", "2").WithEnvironment("B", "3").WithLabel("x", "y").WithPortBinding(80);

        basic.Options.Environment.Should().Equal("A=1");
        basic.Options.Labels.Should().BeEmpty();
        basic.Options.PortBindings.Should().BeEmpty();
        extended.Options.Environment.Should().Equal("A=2", "B=3");
        extended.Options.PortBindings.Should().ContainSingle().Which.HostIp.Should().Be("127.0.0.1");
    }

    [Fact]
    public async Task Settings_reach_the_container_and_files_are_in_place_before_it_starts()
    {
        await using var container = await new ContainerBuilder("busybox")
            .WithCommand("sh", "-c", "cat /etc/app/config.txt; stat -c '%u:%g %a' /etc/app/config.txt /opt/run.sh; id -u; echo $GREETING; /opt/run.sh; exec sleep 1000")
            .WithEnvironment("GREETING", "hello")
            .WithUser("1000")
            .WithFile("/etc/app/config.txt", "key=value\n", userId: 1000, groupId: 1000)
            .WithFile("/opt/run.sh", "#!/bin/sh\necho script ran\n"u8.ToArray(), (UnixFileMode)0x1ED)
            .WithLabel("team", "fixtures")
            .WithMemoryLimit(64 * 1024 * 1024)
            .WithPidsLimit(64)
            .WithWaitStrategy(Wait.ForLogLine("script ran"))
            .StartAsync(fixture.Engine);

        (await container.GetLogsAsync()).Stdout.Should().Be("key=value\n1000:1000 644\n0:0 755\n1000\nhello\nscript ran\n");
        var details = await container.InspectAsync();
        details.Labels.Should().Contain(FixtureLabels.Fixture, "true").And.Contain("team", "fixtures");
        details.Options.Memory.Should().Be(64 * 1024 * 1024);
    }

    [Fact]
    public async Task Files_come_from_host_files_and_directories()
    {
        using var directory = new Testing.TempDirectory("fixture-files");
        Directory.CreateDirectory(Path.Combine(directory.Path, "site", "css"));
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "site", "index.html"), "<h1>hi</h1>");
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "site", "css", "app.css"), "body{}");

        await using var container = await new ContainerBuilder("busybox")
            .WithCommand("sleep", "1000")
            .WithFileFromHost(Path.Combine(directory.Path, "site"), "/www")
            .WithFileFromHost(Path.Combine(directory.Path, "site", "index.html"), "/single.html")
            .StartAsync(fixture.Engine);

        var result = await container.ExecAsync(["sh", "-c", "cat /www/index.html /www/css/app.css /single.html"]);
        result.Stdout.Should().Be("<h1>hi</h1>body{}<h1>hi</h1>");
    }

    [Fact]
    public async Task Dispose_removes_the_container_and_its_anonymous_volumes_but_not_named_ones()
    {
        var volumesBefore = (await fixture.Engine.Volumes.ListAsync()).Select(v => v.Name).ToList();
        var container = await new ContainerBuilder("busybox")
            .WithCommand("sh", "-c", "echo data > /scratch/x; echo data > /named/x; exec sleep 1000")
            .WithVolume("/scratch")
            .WithVolume("fixture-named", "/named")
            .WithTmpfs("/run/tmp")
            .WithWaitStrategy(Wait.ForCommand("test", "-f", "/named/x"))
            .StartAsync(fixture.Engine);
        (await fixture.Engine.Volumes.ListAsync()).Should().HaveCount(volumesBefore.Count + 2);

        await container.DisposeAsync();
        await container.DisposeAsync(); // twice is harmless

        (await fixture.Engine.Containers.ListAsync(all: true)).Should().NotContain(c => c.Id == container.Id);
        (await fixture.Engine.Volumes.ListAsync()).Select(v => v.Name).Should().BeEquivalentTo(volumesBefore.Append("fixture-named"));
        await fixture.Engine.Volumes.RemoveAsync("fixture-named");
    }

    [Fact]
    public async Task A_fixed_host_port_and_a_user_defined_network_with_aliases()
    {
        await fixture.Engine.Networks.CreateAsync(new Networks.NetworkCreateOptions { Name = "fixture-net" });
        try
        {
            await using var server = await new ContainerBuilder("busybox")
                .WithCommand("sh", "-c", "echo pong > /tmp/ping; exec httpd -f -p 80 -h /tmp")
                .WithNetwork("fixture-net", "api")
                .WithWaitStrategy(Wait.ForPort(80))
                .StartAsync(fixture.Engine);
            var hostPort = FreePort();
            await using var client = await new ContainerBuilder("busybox")
                .WithCommand("sh", "-c", "wget -qO- http://api/ping; exec httpd -f -p 81 -h /tmp")
                .WithNetwork("fixture-net")
                .WithPortBinding(81, hostPort)
                .WithWaitStrategy(Wait.ForAll(Wait.ForLogLine("pong"), Wait.ForPort(81)))
                .StartAsync(fixture.Engine);

            client.GetMappedPort(81).Should().Be(hostPort);
            var act = () => client.GetMappedPort(82);
            act.Should().Throw<InvalidOperationException>().WithMessage("*WithPortBinding(82)*");
        }
        finally
        {
            await fixture.Engine.Networks.RemoveAsync("fixture-net");
        }
    }

    [Fact]
    public async Task Stop_then_dispose()
    {
        var container = await new ContainerBuilder("busybox").WithCommand("sleep", "1000").StartAsync(fixture.Engine);
        await container.StopAsync(TimeSpan.FromSeconds(1));
        (await container.InspectAsync()).State.IsRunning.Should().BeFalse();

        await container.DisposeAsync();
        (await fixture.FixtureContainersAsync()).Should().NotContain(c => c.Id == container.Id);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
