using Containers.Containers;
using Containers.Testing;

namespace Containers.Linux.Tests.Runtime;

/// <summary>cgroup limits, read back from this machine's hierarchy (v1 or v2).</summary>
public sealed class LimitsTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    [Fact]
    public async Task A_container_over_its_memory_limit_is_OOM_killed_and_the_state_says_so()
    {
        var container = await fixture.Containers.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox",
            Memory = 16 * 1024 * 1024,
            Command = ["sh", "-c", "x=$(head -c 64000000 /dev/zero | tr '\\0' a); echo survived"],
        });

        var exit = await fixture.Containers.WaitAsync(container.Id);

        exit.Should().Be(137);
        var state = (await fixture.Containers.InspectAsync(container.Id)).State;
        state.OomKilled.Should().BeTrue();
        state.Status.Should().Be(ContainerStatus.Exited);
        await fixture.Containers.RemoveAsync(container.Id);
    }

    [Fact]
    public async Task The_pids_limit_refuses_forks()
    {
        var (_, stdout, stderr) = await fixture.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox",
            PidsLimit = 4,
            Command = ["sh", "-c", "for i in 1 2 3 4 5 6; do sleep 5 & done; wait; echo done"],
        });
        stderr.Should().Contain("can't fork");
    }

    [Fact]
    public async Task Cpu_limits_and_cpuset_are_written_to_the_cgroup()
    {
        var container = await fixture.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Cpus = 0.5, CpuShares = 512, CpusetCpus = "0", Command = ["sleep", "30"] });
        try
        {
            if (HostCgroups.Version == 1)
            {
                File.ReadAllText(Path.Combine(fixture.CgroupOf("cpu", container.Id), "cpu.cfs_quota_us")).Trim().Should().Be("50000");
                File.ReadAllText(Path.Combine(fixture.CgroupOf("cpu", container.Id), "cpu.shares")).Trim().Should().Be("512");
            }
            else
            {
                // v2: a quota over a period, and shares converted to a weight as runc does (512 -> 20).
                File.ReadAllText(Path.Combine(fixture.CgroupOf("cpu", container.Id), "cpu.max")).Trim().Should().Be("50000 100000");
                File.ReadAllText(Path.Combine(fixture.CgroupOf("cpu", container.Id), "cpu.weight")).Trim().Should().Be("20");
            }

            File.ReadAllText(Path.Combine(fixture.CgroupOf("cpuset", container.Id), "cpuset.cpus")).Trim().Should().Be("0");
            var stats = await fixture.Containers.StatsAsync(container.Id);
            stats.Pids.Should().Be(1);
            stats.MemoryUsage.Should().BeGreaterThan(0);
            (await fixture.Containers.TopAsync(container.Id)).Should().ContainSingle().Which.Command.Should().Be("sleep 30");
        }
        finally
        {
            await fixture.Containers.RemoveAsync(container.Id, force: true);
        }

        Directory.Exists(fixture.CgroupOf("cpu", container.Id)).Should().BeFalse("removing the container removes its cgroup");
    }

    [Fact]
    public async Task Pause_freezes_every_process_and_unpause_thaws_them()
    {
        var container = await fixture.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sh", "-c", "while true; do echo tick; sleep 0.05; done"] });
        try
        {
            await Eventually.UntilAsync(async () => (await fixture.Containers.LogsAsync(container.Id).CountAsync()) > 2, "the container ticks");
            await fixture.Containers.PauseAsync(container.Id);

            if (HostCgroups.Version == 1)
            {
                File.ReadAllText(Path.Combine(fixture.CgroupOf("freezer", container.Id), "freezer.state")).Trim().Should().Be("FROZEN");
            }
            else
            {
                File.ReadAllText(Path.Combine(fixture.CgroupOf("freezer", container.Id), "cgroup.freeze")).Trim().Should().Be("1");
            }

            (await fixture.Containers.InspectAsync(container.Id)).State.Status.Should().Be(ContainerStatus.Paused);
            // Lines written just before the freeze may still be in the pipe; once they are drained the log stops growing.
            var frozenCount = -1;
            await Eventually.UntilAsync(async () =>
            {
                var before = await fixture.Containers.LogsAsync(container.Id).CountAsync();
                await Task.Delay(300);
                frozenCount = await fixture.Containers.LogsAsync(container.Id).CountAsync();
                return frozenCount == before;
            }, "frozen processes write nothing");
            var act = () => fixture.Containers.PauseAsync(container.Id);
            await act.Should().ThrowAsync<ContainerStateException>().WithMessage("*already paused*");

            await fixture.Containers.UnpauseAsync(container.Id);
            await Eventually.UntilAsync(async () => (await fixture.Containers.LogsAsync(container.Id).CountAsync()) > frozenCount, "the container ticks again");
        }
        finally
        {
            await fixture.Containers.RemoveAsync(container.Id, force: true);
        }
    }
}
