using Containers.Fixtures;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Snapshots;
using Npgsql;

namespace Containers.Linux.Tests.Fixtures;

/// <summary>
/// Ready-state snapshots: taken once per key after a clean stop, reused by later fixtures (in another engine on the same
/// root too), renewed when an input changes, never written to by the fixtures started from them.
/// </summary>
public sealed class ReadySnapshotTests(FixtureEngine fixture) : IClassFixture<FixtureEngine>
{
    // Initialization writes a random marker once (when /data has none); every run appends to /data/runs; TERM exits 0.
    private const string Service =
        "if [ ! -f /data/marker ]; then cat /proc/sys/kernel/random/uuid > /data/marker; echo init >> /data/inits; fi; "
        + "echo run >> /data/runs; trap 'exit 0' TERM; echo ready; while :; do sleep 0.1; done";

    [Fact]
    public async Task A_snapshot_is_reused_by_another_engine_on_the_same_root_and_then_pruned()
    {
        var builder = ServiceBuilder(nameof(A_snapshot_is_reused_by_another_engine_on_the_same_root_and_then_pruned));
        string marker;
        ReadySnapshot taken;
        await using (var first = await builder.StartAsync(fixture.Engine))
        {
            taken = first.ReadySnapshot!;
            taken.Should().NotBeNull();
            marker = await ReadAsync(first, "/data/marker");
            marker.Should().NotBeEmpty();
        }

        await using (var other = ContainerEngine.Create(new ContainersOptions { Root = fixture.Test.Root }, b => b.AddLinuxRuntime()))
        {
            await using var again = await builder.StartAsync(other);

            again.ReadySnapshot!.ImageId.Should().Be(taken.ImageId);
            (await ReadAsync(again, "/data/marker")).Should().Be(marker, "the second start begins from the first one's initialized state");
            (await ReadAsync(again, "/data/inits")).Should().Be("init\n", "initialization ran once, when the snapshot was taken");
            (await ReadAsync(again, "/data/runs")).Should().Be("run\nrun\n", "the snapshot's run and this one: the first fixture's write stayed in its own layer");
            (await again.InspectAsync()).Options.Mounts.Should().BeEmpty("the anonymous volume's data come from the snapshot, copy-on-write");

            var listed = (await other.Snapshots.ListAsync()).Should().ContainSingle(s => s.Key == taken.Key).Which;
            listed.SourceImage.Should().Be("busybox");
            listed.Size.Should().BeGreaterThan(0);
            listed.TotalSize.Should().BeGreaterThan(listed.Size);
            (await other.Snapshots.PruneAsync()).Should().NotContain(s => s.Key == taken.Key, "a running fixture uses it");
        }

        (await fixture.Engine.Snapshots.PruneAsync()).Select(s => s.Key).Should().Contain(taken.Key);
        (await fixture.Engine.Snapshots.ListAsync()).Should().NotContain(s => s.Key == taken.Key);
        await using var renewed = await builder.StartAsync(fixture.Engine);
        (await ReadAsync(renewed, "/data/marker")).Should().NotBe(marker, "a pruned snapshot is taken anew");
    }

    [Fact]
    public async Task A_changed_environment_variable_or_copied_file_makes_a_new_snapshot()
    {
        var basic = ServiceBuilder(nameof(A_changed_environment_variable_or_copied_file_makes_a_new_snapshot));
        var variants = new[]
        {
            basic.WithEnvironment("MODE", "a"),
            basic.WithEnvironment("MODE", "b"),
            basic.WithFile("/etc/service.conf", "one"),
            basic.WithFile("/etc/service.conf", "two"),
        };
        var started = new List<(string Key, string Marker)>();
        foreach (var variant in variants)
        {
            await using var container = await variant.StartAsync(fixture.Engine);
            started.Add((container.ReadySnapshot!.Key, await ReadAsync(container, "/data/marker")));
        }

        started.Select(s => s.Key).Should().OnlyHaveUniqueItems();
        started.Select(s => s.Marker).Should().OnlyHaveUniqueItems("each snapshot ran its own initialization");

        await using var same = await basic.WithFile("/etc/service.conf", "two").StartAsync(fixture.Engine);
        same.ReadySnapshot!.Key.Should().Be(started[3].Key, "the same file content makes the same key");
        (await ReadAsync(same, "/data/marker")).Should().Be(started[3].Marker);
        (await ReadAsync(same, "/etc/service.conf")).Should().Be("two");
    }

    [Fact]
    public async Task Fixtures_started_in_parallel_from_one_snapshot_never_see_each_others_writes()
    {
        var builder = ServiceBuilder(nameof(Fixtures_started_in_parallel_from_one_snapshot_never_see_each_others_writes));
        string marker;
        await using (var first = await builder.StartAsync(fixture.Engine))
        {
            marker = await ReadAsync(first, "/data/marker");
        }

        var parallel = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => builder.StartAsync(fixture.Engine)));
        try
        {
            for (var i = 0; i < parallel.Length; i++)
            {
                (await parallel[i].ExecAsync(["sh", "-c", $"echo fixture-{i} > /data/marker; echo {i} > /data/own; rm /data/inits"])).ExitCode.Should().Be(0);
            }

            for (var i = 0; i < parallel.Length; i++)
            {
                (await ReadAsync(parallel[i], "/data/marker")).Should().Be($"fixture-{i}\n");
                (await ReadAsync(parallel[i], "/data/own")).Should().Be($"{i}\n");
            }
        }
        finally
        {
            foreach (var container in parallel)
            {
                await container.DisposeAsync();
            }
        }

        await using var later = await builder.StartAsync(fixture.Engine);
        later.ReadySnapshot!.ImageId.Should().Be(parallel[0].ReadySnapshot!.ImageId);
        (await ReadAsync(later, "/data/marker")).Should().Be(marker);
        (await ReadAsync(later, "/data/inits")).Should().Be("init\n");
        (await later.ExecAsync(["test", "-e", "/data/own"])).ExitCode.Should().Be(1);
    }

    [Fact]
    public async Task Two_engines_taking_the_same_snapshot_at_once_take_it_once()
    {
        var builder = ServiceBuilder(nameof(Two_engines_taking_the_same_snapshot_at_once_take_it_once));
        await using var other = ContainerEngine.Create(new ContainersOptions { Root = fixture.Test.Root }, b => b.AddLinuxRuntime());

        var both = await Task.WhenAll(builder.StartAsync(fixture.Engine), builder.StartAsync(other));
        try
        {
            both[1].ReadySnapshot!.ImageId.Should().Be(both[0].ReadySnapshot!.ImageId);
            (await ReadAsync(both[1], "/data/marker")).Should().Be(await ReadAsync(both[0], "/data/marker"));
            (await ReadAsync(both[1], "/data/inits")).Should().Be("init\n", "one of them took the snapshot, the other waited for it");
            (await fixture.Engine.Snapshots.ListAsync()).Count(s => s.Key == both[0].ReadySnapshot!.Key).Should().Be(1);
        }
        finally
        {
            await both[0].DisposeAsync();
            await both[1].DisposeAsync();
        }
    }

    [Theory]
    [InlineData("''", 137)]     // ignores its stop signal: killed after the stop timeout
    [InlineData("'exit 3'", 3)] // exits with an error on its stop signal
    public async Task A_service_that_does_not_stop_cleanly_leaves_no_snapshot_and_nothing_half_written(string onTerm, int exitCode)
    {
        var blobs = Path.Combine(fixture.Test.Root, "content", "blobs", "sha256");
        var blobsBefore = Directory.GetFiles(blobs).Order().ToList();
        var imagesBefore = (await fixture.Engine.Images.ListAsync()).Select(i => i.Id).ToList();
        var volumesBefore = (await fixture.Engine.Volumes.ListAsync()).Select(v => v.Name).ToList();
        var snapshotsBefore = (await fixture.Engine.Snapshots.ListAsync()).Select(v => v.Key).ToList();
        var builder = new ContainerBuilder("busybox")
            .WithLabel("test", nameof(A_service_that_does_not_stop_cleanly_leaves_no_snapshot_and_nothing_half_written) + exitCode)
            .WithVolume("/data")
            .WithCommand("sh", "-c", $"echo state > /data/state; trap {onTerm} TERM; echo ready; while :; do sleep 0.1; done")
            .WithWaitStrategy(Wait.ForLogLine("^ready"))
            .WithReadySnapshot(new ReadySnapshotOptions { StopTimeout = TimeSpan.FromSeconds(1) });

        var failure = (await builder.Invoking(b => b.StartAsync(fixture.Engine)).Should().ThrowAsync<ReadySnapshotException>()).Which;

        failure.ExitCode.Should().Be(exitCode, failure.Message);
        (await fixture.Engine.Snapshots.ListAsync()).Select(v => v.Key).Should().BeEquivalentTo(snapshotsBefore);
        (await fixture.FixtureContainersAsync()).Should().BeEmpty();
        (await fixture.Engine.Images.ListAsync()).Select(i => i.Id).Should().BeEquivalentTo(imagesBefore);
        (await fixture.Engine.Volumes.ListAsync()).Select(v => v.Name).Should().BeEquivalentTo(volumesBefore);
        Directory.GetFiles(blobs).Order().Should().Equal(blobsBefore, "no layer, configuration or manifest was written");
    }

    [Fact]
    public async Task A_bind_mount_is_refused_because_its_data_live_outside_the_snapshot()
    {
        var act = () => new ContainerBuilder("busybox").WithBindMount("/tmp", "/host").WithReadySnapshot().StartAsync(fixture.Engine);

        (await act.Should().ThrowAsync<NotSupportedException>()).WithMessage("*bind mount at /host*");
    }

    [Fact]
    public async Task PostgreSql_from_a_snapshot_skips_initialization_and_keeps_each_fixtures_writes_to_itself()
    {
        await fixture.ImportServicesAsync();
        var builder = new PostgreSqlBuilder("postgres:test").WithPassword("snapshot").WithReadySnapshot();

        await using var first = await builder.StartAsync(fixture.Engine);
        await using var second = await builder.StartAsync(fixture.Engine);
        await ExecuteAsync(first, "CREATE TABLE written_by_first (x int)");

        second.ReadySnapshot!.ImageId.Should().Be(first.ReadySnapshot!.ImageId);
        (await ExecuteAsync(second, "SELECT count(*)::int FROM pg_tables WHERE tablename = 'written_by_first'")).Should().Be(0);
        (await ExecuteAsync(first, "SELECT count(*)::int FROM pg_tables WHERE tablename = 'written_by_first'")).Should().Be(1);
        var logs = await second.GetLogsAsync();
        (logs.Stdout + logs.Stderr).Should().NotContain("init process complete", "the data directory came initialized from the snapshot");
    }

    private static ContainerBuilder ServiceBuilder(string test) => new ContainerBuilder("busybox")
        .WithLabel("test", test)
        .WithVolume("/data")
        .WithCommand("sh", "-c", Service)
        .WithWaitStrategy(Wait.ForLogLine("^ready"))
        .WithReadySnapshot();

    private static async Task<string> ReadAsync(FixtureContainer container, string path)
    {
        var result = await container.ExecAsync(["cat", path]);
        result.ExitCode.Should().Be(0, result.Stderr);
        return result.Stdout;
    }

    private static async Task<object?> ExecuteAsync(PostgreSqlContainer postgres, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
