using System.Text.Json;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>The volume commands and the mount flags of run, as docker users type them.</summary>
public sealed class VolumeCommandTests : IAsyncLifetime
{
    private readonly TempDirectory _root = new("cli-volume");

    public async Task InitializeAsync()
    {
        await using var engine = ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.AddLinuxRuntime());
        using var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync());
        await engine.Images.ImportAsync(rootfs, new global::Containers.Images.ImportOptions { Reference = "busybox:latest", Changes = ["CMD [\"/bin/sh\"]", "VOLUME /anon"] });
    }

    public Task DisposeAsync() => CliRunner.DeleteRootAsync(_root);

    private Task<ToolResult> Run(params string[] args) => CliRunner.RunAsync(_root.Path, args);

    [Fact]
    public async Task Volume_create_ls_inspect_rm_and_prune_behave_as_dockers()
    {
        (await Run("volume", "create", "--label", "team=a", "data1")).Stdout.Should().Be("data1\n");
        (await Run("volume", "create", "data2")).ExitCode.Should().Be(0);

        var table = await Run("volume", "ls");
        table.Stdout.Split('\n')[0].Should().Be("DRIVER   VOLUME NAME");
        table.Stdout.Should().Contain("local    data1").And.Contain("local    data2");
        (await Run("volume", "ls", "-q", "--filter", "label=team=a")).Stdout.Should().Be("data1\n");

        var inspect = await Run("volume", "inspect", "data1");
        using (var json = JsonDocument.Parse(inspect.Stdout))
        {
            var volume = json.RootElement[0];
            volume.GetProperty("Name").GetString().Should().Be("data1");
            volume.GetProperty("Driver").GetString().Should().Be("local");
            volume.GetProperty("Labels").GetProperty("team").GetString().Should().Be("a");
            Directory.Exists(volume.GetProperty("Mountpoint").GetString()).Should().BeTrue();
        }

        using (var json = JsonDocument.Parse((await Run("volume", "ls", "--format", "json")).Stdout))
        {
            json.RootElement.GetArrayLength().Should().Be(2);
        }

        var missing = await Run("volume", "inspect", "nope");
        missing.ExitCode.Should().Be(1);
        missing.Stderr.Should().Contain("No such volume: nope");

        (await Run("volume", "create", "bad/name")).ExitCode.Should().NotBe(0);
        (await Run("volume", "rm", "data2")).Stdout.Should().Be("data2\n");
        (await Run("volume", "prune", "-f")).Stdout.Should().NotContain("data1", "prune without -a keeps named volumes");
        (await Run("volume", "prune", "-f", "-a")).Stdout.Should().Contain("data1");
        (await Run("volume", "ls", "-q")).Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task Run_mounts_volumes_binds_and_tmpfs_and_rm_v_removes_anonymous_volumes()
    {
        using var host = new TempDirectory("cli-bind");
        var first = await Run("run", "--rm", "-v", "keep:/data", "--mount", $"type=bind,src={host.Path},dst=/host", "--tmpfs", "/scratch:size=1m", "busybox",
            "sh", "-c", "echo kept > /data/f; echo bound > /host/f; grep -c ' /scratch tmpfs ' /proc/mounts");
        first.ExitCode.Should().Be(0, first.Stderr);
        first.Stdout.Should().Be("1\n");
        File.ReadAllText(host.Combine("f")).Should().Be("bound\n");
        (await Run("run", "--rm", "-v", "keep:/data:ro", "busybox", "cat", "/data/f")).Stdout.Should().Be("kept\n");

        (await Run("create", "--name", "holder", "-v", "keep:/data", "busybox")).ExitCode.Should().Be(0);
        var inUse = await Run("volume", "rm", "keep");
        inUse.ExitCode.Should().Be(1);
        inUse.Stderr.Should().Contain("volume is in use");

        var anonymous = (await Run("volume", "ls", "-q")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle(n => n != "keep").Subject;
        (await Run("rm", "-v", "holder")).ExitCode.Should().Be(0);
        (await Run("volume", "ls", "-q")).Stdout.Should().Be("keep\n", $"rm -v removed the image's anonymous volume {anonymous}");
        (await Run("volume", "rm", "keep")).ExitCode.Should().Be(0);

        var malformed = await Run("run", "--rm", "--mount", "type=bind,target=/x", "busybox", "true");
        malformed.ExitCode.Should().Be(125);
        malformed.Stderr.Should().Contain("source is required");
        (await Run("run", "--rm", "-v", "a:b:c:d", "busybox", "true")).ExitCode.Should().Be(125);
        (await Run("run", "--rm", "--tmpfs", "/t:size=huge", "busybox", "true")).ExitCode.Should().Be(125);
    }

    [Fact]
    public async Task Processes_creating_one_volume_at_once_end_with_one_volume()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => CliRunner.RunProcessAsync(_root.Path, "volume", "create", "--label", "by=process", "shared")));
        results.Should().AllSatisfy(r => r.ExitCode.Should().Be(0, r.Stderr));
        results.Select(r => r.Stdout).Should().AllBe("shared\n");
        (await Run("volume", "ls", "-q")).Stdout.Should().Be("shared\n");
        (await Run("volume", "inspect", "shared")).Stdout.Should().Contain("\"by\": \"process\"");
    }

    [Fact]
    public async Task A_volume_directory_left_without_its_record_is_not_listed_and_create_completes_it()
    {
        // A crash between making _data and writing volume.json leaves this.
        Directory.CreateDirectory(Path.Combine(_root.Path, "volumes", "half", "_data"));
        (await Run("volume", "ls", "-q")).Stdout.Should().BeEmpty();
        (await Run("volume", "inspect", "half")).ExitCode.Should().Be(1);
        (await Run("volume", "create", "half")).ExitCode.Should().Be(0);
        (await Run("volume", "ls", "-q")).Stdout.Should().Be("half\n");
    }
}
