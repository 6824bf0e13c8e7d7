using Containers.Containers;
using Containers.Core.Tests.Containers.Fakes;
using Containers.Testing;

namespace Containers.Core.Tests.Containers.Lifecycle;

/// <summary>Restart policies of attached containers (applied by this engine), restart, and the count Docker keeps.</summary>
[Trait("Category", "NoRoot")]
public sealed class RestartTests : FakeEngineTest
{
    [Fact]
    public async Task On_failure_restarts_up_to_its_limit_and_counts_the_restarts()
    {
        var container = await RunAsync(FakeProcessBehavior.Exits(3, "run\n"), FakeEngine.Options() with { RestartPolicy = RestartPolicy.Parse("on-failure:2") });

        await Eventually.UntilAsync(async () => (await Containers.InspectAsync(container.Id)) is { State: { RestartCount: 2, IsRunning: false } }, "the restarts are done");

        Runtime.MainProcessesOf(container.Id).Should().HaveCount(3);
        (await Containers.InspectAsync(container.Id)).State.ExitCode.Should().Be(3);
        (await Containers.LogsAsync(container.Id).CountAsync()).Should().Be(3);
        ShouldHoldNothing(container.Id);
    }

    [Fact]
    public async Task On_failure_does_not_restart_a_success()
    {
        var container = await RunAsync(FakeProcessBehavior.Exits(0), FakeEngine.Options() with { RestartPolicy = RestartPolicy.Parse("on-failure") });

        (await Bounded(Containers.WaitAsync(container.Id))).Should().Be(0);

        Runtime.MainProcessesOf(container.Id).Should().ContainSingle();
        (await Containers.InspectAsync(container.Id)).State.RestartCount.Should().Be(0);
    }

    [Fact]
    public async Task A_container_a_user_stopped_is_not_restarted_by_always()
    {
        var container = await RunAsync(FakeProcessBehavior.RunsUntilSignalled(), FakeEngine.Options() with { RestartPolicy = RestartPolicy.Parse("always") });

        await Bounded(Containers.StopAsync(container.Id, TimeSpan.FromMinutes(10)));

        Runtime.MainProcessesOf(container.Id).Should().ContainSingle();
        var state = (await Containers.InspectAsync(container.Id)).State;
        state.Status.Should().Be(ContainerStatus.Exited);
        state.StoppedByUser.Should().BeTrue();
    }

    [Fact]
    public async Task Restart_stops_the_process_and_starts_a_new_one_without_counting_it_as_a_policy_restart()
    {
        var container = await RunAsync(FakeProcessBehavior.RunsUntilSignalled());
        var first = Runtime.MainProcessOf(container.Id);

        await Bounded(Containers.RestartAsync(container.Id, TimeSpan.FromMinutes(10)));

        first.ReceivedSignals.Should().Equal(Signals.Term);
        first.HasExited.Should().BeTrue();
        var second = Runtime.MainProcessOf(container.Id);
        second.Should().NotBeSameAs(first);
        second.Started.Should().BeTrue();
        var state = (await Containers.InspectAsync(container.Id)).State;
        state.Status.Should().Be(ContainerStatus.Running);
        state.Pid.Should().Be(second.Pid);
        state.RestartCount.Should().Be(0);
        Rootfs.Mounted.Should().Contain(container.Id);
    }
}
