using System.Text.Json;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary><c>system df</c> and <c>system reset</c> on a root with containers, volumes and the default bridge.</summary>
public sealed class SystemCommandTests : IAsyncLifetime
{
    private readonly TempDirectory _root = new("cli-system");

    public async Task InitializeAsync()
    {
        await using var engine = ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.AddLinuxRuntime());
        using var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync());
        await engine.Images.ImportAsync(rootfs, new global::Containers.Images.ImportOptions { Reference = "busybox:latest" });
    }

    public Task DisposeAsync() => CliRunner.DeleteRootAsync(_root);

    private Task<ToolResult> Run(params string[] args) => CliRunner.RunAsync(_root.Path, args);

    [Fact]
    public async Task System_df_counts_volumes_their_size_and_what_no_container_uses()
    {
        (await Run("run", "--rm", "-v", "idle:/data", "busybox", "dd", "if=/dev/zero", "of=/data/blob", "bs=1000", "count=2000")).ExitCode.Should().Be(0);
        (await Run("create", "--name", "holder", "-v", "used:/data", "busybox", "true")).ExitCode.Should().Be(0);
        (await Run("run", "--rm", "-v", "used:/data", "busybox", "dd", "if=/dev/zero", "of=/data/blob", "bs=1000", "count=1000")).ExitCode.Should().Be(0);

        var table = await Run("system", "df");
        table.Stdout.Should().MatchRegex(@"Local Volumes\s+2\s+1\s+3MB\s+2MB \(66%\)");

        using var json = JsonDocument.Parse((await Run("system", "df", "--format", "json")).Stdout);
        var volumes = json.RootElement.EnumerateArray().Single(e => e.GetProperty("Type").GetString() == "Local Volumes");
        volumes.GetProperty("Size").GetInt64().Should().Be(3_000_000);
        volumes.GetProperty("Reclaimable").GetInt64().Should().Be(2_000_000);
    }

    [Fact]
    public async Task System_reset_needs_force_then_removes_everything_and_the_kernel_objects()
    {
        var run = await Run("run", "-d", "--name", "web", "-v", "keep:/data", "-p", "127.0.0.1::80", "busybox", "httpd", "-f", "-p", "80");
        run.ExitCode.Should().Be(0, run.Stderr);
        var bridge = JsonDocument.Parse((await Run("network", "inspect", "bridge")).Stdout).RootElement[0];
        var device = bridge.GetProperty("Options").GetProperty("com.docker.network.bridge.name").GetString();
        Directory.Exists($"/sys/class/net/{device}").Should().BeTrue();

        var refused = await Run("system", "reset");
        refused.ExitCode.Should().NotBe(0);
        refused.Stderr.Should().Contain("--force");
        (await Run("ps", "-q")).Stdout.Should().NotBeEmpty("nothing was removed without --force");

        var reset = await Run("system", "reset", "--force");

        reset.ExitCode.Should().Be(0, reset.Stderr);
        (await Run("ps", "-a", "-q")).Stdout.Should().BeEmpty();
        (await Run("volume", "ls", "-q")).Stdout.Should().BeEmpty();
        (await Run("images", "-q")).Stdout.Should().BeEmpty();
        Directory.Exists($"/sys/class/net/{device}").Should().BeFalse("the default bridge is gone from the kernel");
        (await ExternalTool.RunAsync("nft", ["list", "tables"])).Stdout.Should().NotContain(TableOf(_root.Path));
    }

    private static string TableOf(string root) =>
        "dotnet_containers_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(root))))[..12];
}
