using Containers.Containers;
using Containers.Core.Tests.Containers.Fakes;

namespace Containers.Core.Tests.Containers.Lifecycle;

/// <summary>Pause and unpause: the sandbox frozen and thawed, the state that says so, and the states that refuse them.</summary>
[Trait("Category", "NoRoot")]
public sealed class PauseTests : FakeEngineTest
{
    [Fact]
    public async Task Pause_freezes_the_container_and_unpause_thaws_it()
    {
        var container = await RunAsync(FakeProcessBehavior.RunsUntilSignalled());
        var process = Runtime.MainProcessOf(container.Id);

        await Containers.PauseAsync(container.Id);

        process.Frozen.Should().BeTrue();
        var paused = (await Containers.InspectAsync(container.Id)).State;
        paused.Status.Should().Be(ContainerStatus.Paused);
        paused.IsRunning.Should().BeTrue("a paused container still runs, as Docker's ps shows it");
        (await Containers.ListAsync()).Should().ContainSingle(c => c.Id == container.Id && c.State.Status == ContainerStatus.Paused);

        await Containers.UnpauseAsync(container.Id);

        process.Frozen.Should().BeFalse();
        (await Containers.InspectAsync(container.Id)).State.Status.Should().Be(ContainerStatus.Running);
        Runtime.OperationsOn(container.Id).Should().ContainInOrder("pause", "resume");
    }

    [Fact]
    public async Task Pausing_a_paused_container_says_it_is_already_paused()
    {
        var container = await RunAsync(FakeProcessBehavior.RunsUntilSignalled());
        await Containers.PauseAsync(container.Id);

        var act = () => Containers.PauseAsync(container.Id);

        var refused = (await act.Should().ThrowAsync<ContainerStateException>()).Which;
        refused.Status.Should().Be(ContainerStatus.Paused);
        refused.Message.Should().Contain("already paused");
        Runtime.OperationsOn(container.Id).Count(o => o == "pause").Should().Be(1);
    }

    [Fact]
    public async Task Pausing_a_container_that_does_not_run_is_refused()
    {
        var created = await Containers.CreateAsync(FakeEngine.Options());
        var exited = await RunAsync(FakeProcessBehavior.Exits(0));
        await Bounded(Containers.WaitAsync(exited.Id));

        var pauseCreated = () => Containers.PauseAsync(created.Id);
        var pauseExited = () => Containers.PauseAsync(exited.Id);

        (await pauseCreated.Should().ThrowAsync<ContainerStateException>()).Which.Status.Should().Be(ContainerStatus.Created);
        (await pauseExited.Should().ThrowAsync<ContainerStateException>()).Which.Message.Should().Contain("not running");
        Runtime.Calls.Should().NotContain(c => c.Operation == "pause");
    }

    [Fact]
    public async Task Unpausing_a_container_that_is_not_paused_is_refused()
    {
        var container = await RunAsync(FakeProcessBehavior.RunsUntilSignalled());

        var act = () => Containers.UnpauseAsync(container.Id);

        var refused = (await act.Should().ThrowAsync<ContainerStateException>()).Which;
        refused.Status.Should().Be(ContainerStatus.Running);
        refused.Message.Should().Contain("is not paused");
        Runtime.Calls.Should().NotContain(c => c.Operation == "resume");
    }
}
