using Containers.Containers;
using Containers.Core.Tests.Containers.Fakes;

namespace Containers.Core.Tests.Containers.Lifecycle;

/// <summary>List, inspect, stats and top: what each state looks like, and what the runtime is asked for it.</summary>
[Trait("Category", "NoRoot")]
public sealed class InspectListTests : FakeEngineTest
{
    [Fact]
    public async Task List_shows_running_and_paused_containers_and_all_shows_every_state_newest_first()
    {
        var created = await Containers.CreateAsync(FakeEngine.Options() with { Name = "c-created" });
        var exited = await RunAsync(FakeProcessBehavior.Exits(1), FakeEngine.Options() with { Name = "c-exited" });
        await Bounded(Containers.WaitAsync(exited.Id));
        var running = await RunAsync(FakeProcessBehavior.RunsUntilSignalled(), FakeEngine.Options() with { Name = "c-running" });
        var paused = await RunAsync(FakeProcessBehavior.RunsUntilSignalled(), FakeEngine.Options() with { Name = "c-paused" });
        await Containers.PauseAsync(paused.Id);

        (await Containers.ListAsync()).Select(c => c.Name).Should().BeEquivalentTo("c-running", "c-paused");
        var all = await Containers.ListAsync(all: true);
        all.Select(c => (c.Name, c.State.Status)).Should().Equal(
            ("c-paused", ContainerStatus.Paused),
            ("c-running", ContainerStatus.Running),
            ("c-exited", ContainerStatus.Exited),
            ("c-created", ContainerStatus.Created));
        all.Single(c => c.Id == exited.Id).State.ExitCode.Should().Be(1);
        all.Single(c => c.Id == created.Id).Command.Should().Equal("serve");
        all.Single(c => c.Id == running.Id).State.Pid.Should().Be(Runtime.MainProcessOf(running.Id).Pid);
    }

    [Fact]
    public async Task Inspect_of_a_running_container_shows_its_process_and_the_spec_it_was_created_from()
    {
        var container = await RunAsync(FakeProcessBehavior.RunsUntilSignalled(), FakeEngine.Options("serve", "-v") with { Environment = ["A=1"] });

        var details = await Containers.InspectAsync(container.Id);

        details.State.Status.Should().Be(ContainerStatus.Running);
        details.State.Pid.Should().Be(Runtime.MainProcessOf(container.Id).Pid);
        details.Spec.Should().NotBeNull();
        details.Spec!.Process!.Args.Should().Equal("serve", "-v");
        details.Spec.Process.Env.Should().Contain("A=1");
        details.Spec.Linux!.CgroupsPath.Should().EndWith("/" + container.Id);
        Runtime.SpecOf(container.Id).Linux!.CgroupsPath.Should().Be(details.Spec.Linux.CgroupsPath);
    }

    [Fact]
    public async Task An_out_of_memory_kill_shows_in_the_state()
    {
        var container = await RunAsync(new FakeProcessBehavior { ExitCodeAfterStart = 137, OomKilled = true });

        (await Bounded(Containers.WaitAsync(container.Id))).Should().Be(137);

        var state = (await Containers.InspectAsync(container.Id)).State;
        state.OomKilled.Should().BeTrue();
        state.ExitCode.Should().Be(137);
    }

    [Fact]
    public async Task Stats_and_top_ask_the_runtime_about_a_running_containers_sandbox_and_refuse_a_stopped_one()
    {
        var container = await RunAsync(FakeProcessBehavior.RunsUntilSignalled());

        (await Containers.StatsAsync(container.Id)).Pids.Should().Be(1);
        (await Containers.TopAsync(container.Id)).Select(p => p.Pid).Should().Equal(Runtime.MainProcessOf(container.Id).Pid);
        Runtime.OperationsOn(container.Id).Should().Contain("stats").And.Contain("top");

        await Bounded(Containers.StopAsync(container.Id));
        var stats = () => Containers.StatsAsync(container.Id);
        var top = () => Containers.TopAsync(container.Id);
        (await stats.Should().ThrowAsync<ContainerStateException>()).Which.Message.Should().Contain("is not running");
        await top.Should().ThrowAsync<ContainerStateException>();
    }
}
