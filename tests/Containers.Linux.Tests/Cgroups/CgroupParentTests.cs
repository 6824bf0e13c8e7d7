using Containers.Containers;
using Containers.Linux.Cgroups;
using Containers.Testing;

namespace Containers.Linux.Tests.Cgroups;

/// <summary>A store root's parent cgroup goes away with its last container, even while other removals and starts race.</summary>
public sealed class CgroupParentTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    private static readonly string[] Controllers = ["memory", "pids", "cpu", "freezer", "devices"];

    private IContainerService Containers => fixture.Containers;

    [Fact]
    public async Task The_per_root_parent_is_removed_with_the_last_container()
    {
        var first = await Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "30"] });
        var second = await Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["true"] });
        await Containers.WaitAsync(second.Id);

        await Containers.RemoveAsync(second.Id);
        Controllers.Should().OnlyContain(c => Directory.Exists(fixture.CgroupParent(c)), "a container still runs under the parent");

        await Containers.RemoveAsync(first.Id, force: true);
        Controllers.Should().OnlyContain(c => !Directory.Exists(fixture.CgroupParent(c)), "the parent of this root is empty");
    }

    [Fact]
    public async Task Removals_racing_with_starts_in_the_same_root_never_fail_a_start()
    {
        async Task RunManyAsync()
        {
            for (var i = 0; i < 8; i++)
            {
                var (exit, stdout, _) = await fixture.RunAsync(new ContainerCreateOptions { Image = "busybox", Memory = 16 * 1024 * 1024, Command = ["sh", "-c", "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max"] });
                exit.Should().Be(0);
                stdout.Should().Be("16777216\n");
            }
        }

        await Task.WhenAll(RunManyAsync(), RunManyAsync(), RunManyAsync());

        Controllers.Should().OnlyContain(c => !Directory.Exists(fixture.CgroupParent(c)));
    }

    [Fact]
    public async Task A_parent_with_a_child_cgroup_stays_and_a_missing_one_is_no_error()
    {
        var manager = CgroupDetector.Detect();
        var parent = "dotnet-containers/hardening-parent-" + Guid.NewGuid().ToString("N")[..8];
        manager.Create(parent + "/child", null);
        try
        {
            manager.RemoveIfEmpty(parent);
            Directory.Exists(HostCgroups.Directory("memory", $"{parent}/child")).Should().BeTrue();
        }
        finally
        {
            await manager.DeleteAsync(parent + "/child", CancellationToken.None);
        }

        manager.RemoveIfEmpty(parent);
        Directory.Exists(HostCgroups.Directory("memory", parent)).Should().BeFalse();
        manager.RemoveIfEmpty(parent);
    }

    [Fact]
    public async Task Creating_a_cgroup_survives_its_parent_being_removed_as_empty_in_a_tight_loop()
    {
        var manager = CgroupDetector.Detect();
        var parent = "dotnet-containers/hardening-race-" + Guid.NewGuid().ToString("N")[..8];
        using var stop = new CancellationTokenSource();
        var remover = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                manager.RemoveIfEmpty(parent);
            }
        });
        try
        {
            for (var i = 0; i < 1000; i++)
            {
                manager.Create($"{parent}/c{i}", new Oci.Runtime.RuntimeResources { Pids = new Oci.Runtime.RuntimePids { Limit = 10 } });
                File.ReadAllText(Path.Combine(HostCgroups.Directory("pids", $"{parent}/c{i}"), "pids.max")).Trim().Should().Be("10");
                await manager.DeleteAsync($"{parent}/c{i}", CancellationToken.None);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await remover;
            manager.RemoveIfEmpty(parent);
        }

        Directory.Exists(HostCgroups.Directory("pids", parent)).Should().BeFalse();
    }
}
