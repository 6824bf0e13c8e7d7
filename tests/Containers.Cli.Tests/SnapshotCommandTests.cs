using Containers.Fixtures;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>The snapshot commands, run in another process than the one whose fixture took the snapshot.</summary>
public sealed class SnapshotCommandTests : IAsyncLifetime
{
    private readonly TempDirectory _root = new("cli-snapshot");

    public async Task InitializeAsync()
    {
        await using var engine = ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.AddLinuxRuntime());
        using var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync());
        await engine.Images.ImportAsync(rootfs, new global::Containers.Images.ImportOptions { Reference = "busybox:latest", Changes = ["CMD [\"/bin/sh\"]"] });
    }

    public Task DisposeAsync() => CliRunner.DeleteRootAsync(_root);

    private Task<ToolResult> Run(params string[] args) => CliRunner.RunAsync(_root.Path, args);

    [Fact]
    public async Task Snapshot_ls_rm_and_prune_see_the_snapshots_a_fixture_took()
    {
        string key;
        await using (var engine = ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.AddLinuxRuntime()))
        {
            var builder = new ContainerBuilder("busybox")
                .WithCommand("sh", "-c", "echo seeded > /seed; trap 'exit 0' TERM; echo ready; while :; do sleep 0.1; done")
                .WithWaitStrategy(Wait.ForLogLine("^ready"))
                .WithReadySnapshot();
            await using (var first = await builder.StartAsync(engine))
            {
                key = first.ReadySnapshot!.Key;
            }

            await using var other = await builder.WithEnvironment("MODE", "other").StartAsync(engine);
        }

        var table = await Run("snapshot", "ls");
        table.ExitCode.Should().Be(0, table.Stderr);
        table.Stdout.Split('\n')[0].Should().StartWith("KEY").And.Contain("SOURCE IMAGE").And.Contain("SIZE");
        table.Stdout.Should().Contain(key[..12]).And.Contain("busybox");
        (await Run("snapshot", "ls", "-q")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(2).And.Contain(key);

        (await Run("snapshot", "rm", key[..12])).Stdout.Should().Be(key + "\n");
        (await Run("snapshot", "rm", key[..12])).ExitCode.Should().Be(1);
        (await Run("snapshot", "prune", "-f")).Stdout.Should().Contain("Deleted: ");
        (await Run("snapshot", "ls", "-q")).Stdout.Should().BeEmpty();
    }
}
