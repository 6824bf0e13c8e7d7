using Containers.Containers;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Networks;
using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>The network commands, <c>-p</c>, <c>--network-alias</c> and <c>port</c>, against real bridges and rules.</summary>
public sealed class NetworkCommandTests : IAsyncLifetime
{
    private readonly TempDirectory _root = new("cli-net");
    private readonly string _network = "clinet-" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        await using var engine = Engine();
        using var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync());
        await engine.Images.ImportAsync(rootfs, new global::Containers.Images.ImportOptions { Reference = "busybox:latest" });
    }

    public Task DisposeAsync() => CliRunner.DeleteRootAsync(_root);

    private ContainerEngine Engine() => ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.AddLinuxRuntime());

    private Task<ToolResult> Run(params string[] args) => CliRunner.RunAsync(_root.Path, args);

    [Fact]
    public async Task Network_create_ls_inspect_connect_disconnect_rm_and_prune()
    {
        var created = await Run("network", "create", "--subnet", "172.31.240.0/24", "--label", "team=net", _network);
        created.ExitCode.Should().Be(0, created.Stderr);
        (await Run("network", "ls")).Stdout.Should().Contain(_network).And.Contain("172.31.240.0/24");
        var inspect = await Run("network", "inspect", _network);
        inspect.Stdout.Should().Contain("\"Gateway\": \"172.31.240.1\"").And.Contain("\"team\": \"net\"");

        (await Run("network", "create", _network + "-home")).ExitCode.Should().Be(0);
        (await Run("create", "--name", "joiner", "--network", _network + "-home", "busybox", "true")).ExitCode.Should().Be(0);
        (await Run("network", "connect", "--alias", "j", _network, "joiner")).ExitCode.Should().Be(0);
        (await Run("network", "inspect", _network)).Stdout.Should().Contain("joiner");
        var inUse = await Run("network", "rm", _network);
        inUse.ExitCode.Should().Be(1);
        inUse.Stderr.Should().Contain("in use by container(s) joiner");

        (await Run("network", "disconnect", _network, "joiner")).ExitCode.Should().Be(0);
        var pruned = await Run("network", "prune", "-f");
        pruned.Stdout.Should().Contain(_network + "\n").And.NotContain(_network + "-home");
        (await Run("network", "ls")).Stdout.Should().NotContain(_network + " ");
        (await Run("network", "inspect", _network)).ExitCode.Should().Be(1);
    }

    [Fact]
    public async Task Run_with_network_alias_and_publish_then_port_reports_the_host_port()
    {
        (await Run("network", "create", _network)).ExitCode.Should().Be(0);
        await using var engine = Engine();
        await engine.Containers.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox",
            Name = "web",
            Network = _network,
            NetworkAliases = ["site"],
            PortBindings = [PortBinding.Parse("127.0.0.1::80")],
            Command = ["sh", "-c", "mkdir /www && echo cli-hello > /www/index.html && exec httpd -f -p 80 -h /www"],
        });

        var fetched = await Run("run", "--rm", "--network", _network, "--network-alias", "client", "busybox", "sh", "-c",
            "i=0; while [ $i -lt 50 ]; do timeout 3 wget -q -O - http://site/index.html && exit 0; i=$((i+1)); sleep 0.1; done; exit 1");
        fetched.Stdout.Should().Contain("cli-hello", fetched.Stderr);

        var port = await CliRunner.RunProcessAsync(_root.Path, "port", "web", "80");
        port.ExitCode.Should().Be(0, port.Stderr);
        port.Stdout.Should().MatchRegex(@"^127\.0\.0\.1:\d+\n$");
        (await Run("port", "web")).Stdout.Should().StartWith("80/tcp -> 127.0.0.1:");
        (await Run("port", "web", "81")).ExitCode.Should().Be(1);
        var inspect = await Run("inspect", "web");
        inspect.Stdout.Should().Contain("\"NetworkSettings\"").And.Contain("\"80/tcp\"").And.Contain("\"HostPort\": \"" + port.Stdout.Trim().Split(':')[1] + "\"").And.Contain("\"site\"");
        await engine.Containers.RemoveAsync("web", force: true);
    }

    [Fact]
    public async Task Malformed_publish_and_network_flags_exit_125_with_a_clear_error()
    {
        var badPort = await Run("run", "--rm", "-p", "70000", "busybox", "true");
        badPort.ExitCode.Should().Be(125);
        badPort.Stderr.Should().Contain("Invalid port specification '70000'");

        var noNetwork = await Run("run", "--rm", "--network", "no-such-net", "busybox", "true");
        noNetwork.ExitCode.Should().Be(125);
        noNetwork.Stderr.Should().Contain("No such network: no-such-net");

        var badSubnet = await Run("network", "create", "--subnet", "10.1.2.3/24", _network);
        badSubnet.ExitCode.Should().Be(1);
        badSubnet.Stderr.Should().Contain("host bits are set");
        (await Run("ps", "-a", "-q")).Stdout.Should().BeEmpty();
    }
}
