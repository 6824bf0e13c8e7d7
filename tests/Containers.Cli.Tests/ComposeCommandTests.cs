using System.Net.Http;
using System.Text.Json;
using Containers.Archives;
using Containers.Compose;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>
/// <c>containers compose</c> on a three-service project (an HTTP service, a client reaching it by service name, a
/// one-shot job that must complete first) with a named volume and a health-gated dependency; the same files under
/// podman-compose agree; and the C# fixture API over the same project.
/// </summary>
public sealed class ComposeCommandTests : IAsyncLifetime
{
    private const string Image = "localhost/compose-busybox:1";

    /// <summary>
    /// init writes the page into the shared volume and exits; web serves it once init completed and reports healthy
    /// when it answers; client starts once web is healthy, fetches http://web:8080/ by service name and is healthy
    /// when it got the page.
    /// </summary>
    private const string ComposeFile = """
        services:
          init:
            image: localhost/compose-busybox:1
            command: ["sh", "-c", "echo hello-from-compose > /www/index.html"]
            volumes:
              - site:/www
          web:
            image: localhost/compose-busybox:1
            command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
            volumes:
              - site:/www
            ports:
              - "127.0.0.1::8080"
            healthcheck:
              test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]
              interval: 1s
              retries: 60
            depends_on:
              init:
                condition: service_completed_successfully
          client:
            image: localhost/compose-busybox:1
            command: ["sh", "-c", "while true; do wget -q -O /tmp/page http://web:8080/ && cp /tmp/page /tmp/ok; sleep 1; done"]
            healthcheck:
              test: ["CMD", "grep", "-q", "hello-from-compose", "/tmp/ok"]
              interval: 1s
              retries: 120
            depends_on:
              web:
                condition: service_healthy
        volumes:
          site:
        """;

    private readonly TempDirectory _root = new("cli-compose");
    private readonly TempDirectory _project = new("compose-project");
    private string _file = null!;

    public async Task InitializeAsync()
    {
        _file = Path.Combine(_project.Path, "compose.yaml");
        await File.WriteAllTextAsync(_file, ComposeFile);
        await using var engine = ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.AddLinuxRuntime());
        using var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync());
        await engine.Images.ImportAsync(rootfs, new global::Containers.Images.ImportOptions { Reference = Image });
    }

    public async Task DisposeAsync()
    {
        await CliRunner.DeleteRootAsync(_root);
        _project.Dispose();
    }

    private Task<ToolResult> Compose(params string[] args) => CliRunner.RunAsync(_root.Path, ["compose", "-f", _file, "-p", "demo", .. args]);

    [Fact]
    public async Task Up_wait_starts_in_dependency_order_and_down_v_leaves_nothing_of_the_root()
    {
        var config = await Compose("config");
        config.ExitCode.Should().Be(0, config.Stderr);
        config.Stdout.Should().Contain("name: demo").And.Contain("service_completed_successfully");

        var up = await Compose("up", "-d", "--wait", "--wait-timeout", "240");
        up.ExitCode.Should().Be(0, up.Stderr + up.Stdout);

        var states = await ServiceStatesAsync();
        states.Should().BeEquivalentTo(new Dictionary<string, string> { ["init"] = "exited 0", ["web"] = "running healthy", ["client"] = "running healthy" });
        var ps = await Compose("ps", "-a");
        ps.Stdout.Should().Contain("demo-web-1").And.Contain("demo-client-1").And.Contain("demo-init-1");

        // Started after what they depend on: init finished before web started, web was healthy before client started.
        var init = await InspectAsync("demo-init-1");
        var web = await InspectAsync("demo-web-1");
        var client = await InspectAsync("demo-client-1");
        Time(web, "StartedAt").Should().BeOnOrAfter(Time(init, "FinishedAt"));
        Time(client, "StartedAt").Should().BeAfter(Time(web, "StartedAt"));
        web.GetProperty("Config").GetProperty("Labels").GetProperty("com.docker.compose.project").GetString().Should().Be("demo");
        web.GetProperty("Config").GetProperty("Labels").GetProperty("com.docker.compose.service").GetString().Should().Be("web");

        var port = int.Parse((await Compose("ps", "--format", "{{.Ports}}", "web")).Stdout.Trim().Split("->")[0].Split(':')[^1]);
        using (var http = new HttpClient())
        {
            (await http.GetStringAsync($"http://127.0.0.1:{port}/")).Should().Contain("hello-from-compose");
        }

        var exec = await Compose("exec", "client", "cat", "/tmp/ok");
        exec.Stdout.Should().Contain("hello-from-compose", "the client reached web by its service name");
        (await Compose("logs", "init")).ExitCode.Should().Be(0);

        var networks = Directory.GetFiles(Path.Combine(_root.Path, "networks"), "*.json");
        var bridges = networks.Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("bridge").GetString()!).ToList();
        bridges.Should().NotBeEmpty();

        var down = await Compose("down", "-v");
        down.ExitCode.Should().Be(0, down.Stderr);

        (await CliRunner.RunAsync(_root.Path, "ps", "-a", "-q")).Stdout.Should().BeEmpty();
        (await CliRunner.RunAsync(_root.Path, "volume", "ls", "-q")).Stdout.Should().BeEmpty();
        (await CliRunner.RunAsync(_root.Path, "network", "ls", "-q")).Stdout.Trim().Should().BeEmpty();
        bridges.Should().OnlyContain(b => !Directory.Exists($"/sys/class/net/{b}"), "the project's bridge is gone from the kernel");
        (await ExternalTool.RunAsync("nft", ["list", "tables"])).Stdout.Should().NotContain(TableOf(_root.Path), "no firewall rule of the root is left");
        var objects = new RootObjects(_root.Path);
        (await objects.LeftoversAfterAsync(TimeSpan.FromSeconds(30))).Should().BeEmpty();
        objects.ContainerDirectories().Should().BeEmpty();
    }

    [Fact]
    public async Task The_same_files_under_podman_compose_agree_on_states_and_reachable_ports()
    {
        using var podman = new PodmanScratch();
        await using (var engine = ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.AddLinuxRuntime()))
        {
            var archive = podman.Combine("image.tar");
            await using (var file = File.Create(archive))
            {
                await engine.Images.SaveAsync([Image], file, ArchiveFormat.DockerArchive);
            }

            await podman.RunAsync("load", "-i", archive);
        }

        var project = "pc" + Guid.NewGuid().ToString("N")[..8];
        var bridge = "(none)";
        try
        {
            (await Compose("up", "-d", "--wait", "--wait-timeout", "240")).ExitCode.Should().Be(0);
            var ours = await ServiceStatesAsync();

            var up = await podman.ComposeAsync(_file, project, "up", "-d");
            up.ExitCode.Should().Be(0, up.Stderr + up.Stdout);
            bridge = (await podman.RunAsync("network", "inspect", $"{project}_default", "--format", "{{.NetworkInterface}}")).Trim();

            // podman 4.3 runs health checks from systemd timers, which this machine lacks: run them as the timer would.
            var theirs = await podman.ServiceStatesAsync(project, TimeSpan.FromMinutes(4));
            theirs.Should().BeEquivalentTo(ours);

            var ourPort = int.Parse((await Compose("ps", "--format", "{{.Ports}}", "web")).Stdout.Trim().Split("->")[0].Split(':')[^1]);
            var theirPort = await podman.HostPortAsync(project, "web", 8080);
            using var http = new HttpClient();
            var ourPage = await http.GetStringAsync($"http://127.0.0.1:{ourPort}/");
            var theirPage = await http.GetStringAsync($"http://127.0.0.1:{theirPort}/");
            ourPage.Should().Be(theirPage).And.Contain("hello-from-compose");
        }
        finally
        {
            await podman.ComposeAsync(_file, project, "down", "-v");
            await podman.ResetAsync();
            (await Compose("down", "-v")).ExitCode.Should().Be(0);
        }

        // CNI's per-container rules name the network (<project>_default); its shared base chains stay, as podman leaves them.
        foreach (var table in new[] { "filter", "nat" })
        {
            (await ExternalTool.RunAsync("iptables-save", ["-t", table])).Stdout.Should().NotContain(project);
        }

        Directory.Exists($"/sys/class/net/{bridge}").Should().BeFalse("podman's bridge for the project is gone");
    }

    [Fact]
    public async Task The_fixture_api_starts_waits_maps_ports_and_removes_everything_on_dispose()
    {
        string name;
        await using (var engine = ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.AddLinuxRuntime()))
        {
            await using (var app = await ComposeEnvironment.StartAsync(engine, new ComposeEnvironmentOptions { Load = new ComposeLoadOptions { Files = [_file] } }))
            {
                name = app.Project.Name;
                name.Should().StartWith(ComposeLoader.NormalizeProjectName(Path.GetFileName(_project.Path)) + "-");
                var port = await app.GetMappedPortAsync("web", 8080);
                using var http = new HttpClient();
                (await http.GetStringAsync($"http://{app.Host}:{port}/")).Should().Contain("hello-from-compose");
                (await engine.Containers.InspectAsync(app.GetContainerName("client"))).Health!.Status.Should().Be(global::Containers.Containers.HealthStatus.Healthy);
            }

            (await engine.Containers.ListAsync(all: true)).Should().BeEmpty();
            (await engine.Volumes.ListAsync()).Should().BeEmpty();
            (await engine.Networks.ListAsync()).Should().NotContain(n => n.Labels.ContainsKey(ComposeLabels.Project));
        }

        (await new RootObjects(_root.Path).LeftoversAfterAsync(TimeSpan.FromSeconds(30))).Should().BeEmpty();
    }

    [Fact]
    public async Task A_cycle_is_refused_before_anything_is_created()
    {
        var file = Path.Combine(_project.Path, "cycle.yaml");
        await File.WriteAllTextAsync(file, "services:\n  a:\n    image: localhost/compose-busybox:1\n    depends_on: [b]\n  b:\n    image: localhost/compose-busybox:1\n    depends_on: [a]\nvolumes:\n  v:\n");
        var up = await CliRunner.RunAsync(_root.Path, "compose", "-f", file, "up", "-d");
        up.ExitCode.Should().Be(1);
        up.Stderr.Should().Contain($"{file}:4: services.a.depends_on.b: dependency cycle: a -> b -> a");
        (await CliRunner.RunAsync(_root.Path, "ps", "-a", "-q")).Stdout.Should().BeEmpty();
        (await CliRunner.RunAsync(_root.Path, "volume", "ls", "-q")).Stdout.Should().BeEmpty();
        Directory.Exists(Path.Combine(_root.Path, "networks")) .Should().BeFalse();
    }

    private async Task<Dictionary<string, string>> ServiceStatesAsync()
    {
        var result = new Dictionary<string, string>();
        foreach (var service in new[] { "init", "web", "client" })
        {
            var state = (await InspectAsync($"demo-{service}-1")).GetProperty("State");
            var status = state.GetProperty("Status").GetString()!;
            result[service] = status == "exited"
                ? $"exited {state.GetProperty("ExitCode").GetInt32()}"
                : $"{status} {(state.TryGetProperty("Health", out var health) ? health.GetProperty("Status").GetString() : "none")}";
        }

        return result;
    }

    private async Task<JsonElement> InspectAsync(string container)
    {
        var result = await CliRunner.RunAsync(_root.Path, "inspect", container);
        result.ExitCode.Should().Be(0, result.Stderr);
        return JsonDocument.Parse(result.Stdout).RootElement[0];
    }

    private static DateTimeOffset Time(JsonElement container, string field) => container.GetProperty("State").GetProperty(field).GetDateTimeOffset();

    private static string TableOf(string root) =>
        "dotnet_containers_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(root))))[..12];
}
