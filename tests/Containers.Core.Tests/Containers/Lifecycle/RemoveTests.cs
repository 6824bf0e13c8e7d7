using Containers.Containers;
using Containers.Core.Tests.Containers.Fakes;

namespace Containers.Core.Tests.Containers.Lifecycle;

/// <summary>Remove: refused for a running container without force; with force, killed first; either way nothing remains.</summary>
[Trait("Category", "NoRoot")]
public sealed class RemoveTests : FakeEngineTest
{
    [Fact]
    public async Task A_running_container_is_not_removed_without_force()
    {
        var container = await RunAsync(FakeProcessBehavior.RunsUntilSignalled(), FakeEngine.Options() with { Name = "rm-me" });

        var act = () => Containers.RemoveAsync("rm-me");

        var refused = (await act.Should().ThrowAsync<ContainerStateException>()).Which;
        refused.Message.Should().Contain("Stop the container");
        refused.Status.Should().Be(ContainerStatus.Running);
        Runtime.Calls.Should().NotContain(c => c.Operation == "signal");
        Runtime.MainProcessOf(container.Id).HasExited.Should().BeFalse();
        (await Containers.InspectAsync("rm-me")).State.Status.Should().Be(ContainerStatus.Running);
    }

    [Fact]
    public async Task Force_removal_kills_the_container_then_removes_everything_it_had()
    {
        var container = await RunAsync(FakeProcessBehavior.IgnoresSignals(), FakeEngine.Options() with { Name = "rm-me" });

        await Bounded(Containers.RemoveAsync("rm-me", force: true));

        Runtime.SignalsTo(container.Id).Should().Equal(Signals.Kill);
        Runtime.MainProcessOf(container.Id).HasExited.Should().BeTrue();
        var gone = () => Containers.InspectAsync(container.Id);
        await gone.Should().ThrowAsync<ContainerNotFoundException>();
        Directory.Exists(Fake.DirectoryOf(container.Id)).Should().BeFalse();
        Rootfs.HasLayer(container.Id).Should().BeFalse();
        Rootfs.OperationsOn(container.Id).Should().EndWith("remove");
        ShouldHoldNothing(container.Id);
        (await Containers.CreateAsync(FakeEngine.Options() with { Name = "rm-me" })).Name.Should().Be("rm-me");
    }

    [Fact]
    public async Task Force_removal_of_a_paused_container_thaws_it_so_the_kill_takes_effect()
    {
        var container = await RunAsync(FakeProcessBehavior.IgnoresSignals());
        await Containers.PauseAsync(container.Id);

        await Bounded(Containers.RemoveAsync(container.Id, force: true));

        Runtime.OperationsOn(container.Id).Should().ContainInOrder("pause", "resume", "signal");
        Directory.Exists(Fake.DirectoryOf(container.Id)).Should().BeFalse();
        ShouldHoldNothing(container.Id);
    }

    [Fact]
    public async Task Removing_a_created_or_exited_container_needs_no_force_and_sends_no_signal()
    {
        var created = await Containers.CreateAsync(FakeEngine.Options());
        var exited = await RunAsync(FakeProcessBehavior.Exits(1));
        await Bounded(Containers.WaitAsync(exited.Id));

        await Containers.RemoveAsync(created.Id);
        await Containers.RemoveAsync(exited.Id);

        (await Containers.ListAsync(all: true)).Should().BeEmpty();
        ContainerDirectories().Should().BeEmpty();
        Rootfs.HasLayer(exited.Id).Should().BeFalse();
        Runtime.Calls.Should().NotContain(c => c.Operation == "signal");
        Runtime.Sandboxes.Should().BeEmpty();
    }

    [Fact]
    public async Task Removing_an_unknown_container_says_it_is_not_found()
    {
        var act = () => Containers.RemoveAsync("nothing-here", force: true);

        await act.Should().ThrowAsync<ContainerNotFoundException>();
    }
}
