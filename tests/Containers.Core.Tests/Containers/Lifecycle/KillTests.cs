using Containers.Containers;
using Containers.Core.Tests.Containers.Fakes;

namespace Containers.Core.Tests.Containers.Lifecycle;

/// <summary>Kill: the signal asked for (SIGKILL by default) and nothing else; refused for a container that is not running.</summary>
[Trait("Category", "NoRoot")]
public sealed class KillTests : FakeEngineTest
{
    private const int Usr1 = 10;

    [Fact]
    public async Task Kill_sends_the_signal_and_the_programs_trap_decides_the_exit_code()
    {
        var container = await RunAsync(FakeProcessBehavior.Traps(Usr1, 7));

        await Containers.KillAsync(container.Id, "SIGUSR1");

        (await Bounded(Containers.WaitAsync(container.Id))).Should().Be(7);
        Runtime.SignalsTo(container.Id).Should().Equal(Usr1);
        ShouldHoldNothing(container.Id);
    }

    [Theory]
    [InlineData("SIGHUP")]
    [InlineData("HUP")]
    [InlineData("1")]
    public async Task A_signal_is_named_with_or_without_SIG_or_by_number(string signal)
    {
        var container = await RunAsync(FakeProcessBehavior.RunsUntilSignalled());

        await Containers.KillAsync(container.Id, signal);

        (await Bounded(Containers.WaitAsync(container.Id))).Should().Be(129);
        Runtime.SignalsTo(container.Id).Should().Equal(1);
    }

    [Fact]
    public async Task Kill_sends_SIGKILL_by_default()
    {
        var container = await RunAsync(FakeProcessBehavior.IgnoresSignals());

        await Containers.KillAsync(container.Id);

        (await Bounded(Containers.WaitAsync(container.Id))).Should().Be(137);
        Runtime.SignalsTo(container.Id).Should().Equal(Signals.Kill);
    }

    [Fact]
    public async Task A_signal_the_program_ignores_leaves_it_running()
    {
        var container = await RunAsync(FakeProcessBehavior.IgnoresSignals());

        await Containers.KillAsync(container.Id, "TERM");

        Runtime.MainProcessOf(container.Id).HasExited.Should().BeFalse();
        (await Containers.InspectAsync(container.Id)).State.Status.Should().Be(ContainerStatus.Running);
    }

    [Fact]
    public async Task Kill_of_a_container_that_is_not_running_is_refused_and_an_unknown_signal_too()
    {
        var container = await RunAsync(FakeProcessBehavior.Exits(0));
        await Bounded(Containers.WaitAsync(container.Id));

        var act = () => Containers.KillAsync(container.Id);
        var refused = (await act.Should().ThrowAsync<ContainerStateException>()).Which;
        refused.Message.Should().Contain("is not running");
        refused.Status.Should().Be(ContainerStatus.Exited);
        var badSignal = () => Containers.KillAsync(container.Id, "SIGNOPE");
        await badSignal.Should().ThrowAsync<InvalidContainerConfigurationException>();
        Runtime.Calls.Should().NotContain(c => c.Operation == "signal" && c.Delivered);
    }

    [Fact]
    public async Task SIGKILL_ends_a_paused_container()
    {
        // As Docker's kill: a frozen process cannot act on a signal (cgroup v1 holds even SIGKILL), so SIGKILL thaws the container.
        var container = await RunAsync(FakeProcessBehavior.IgnoresSignals());
        await Containers.PauseAsync(container.Id);

        await Containers.KillAsync(container.Id);

        (await Bounded(Containers.WaitAsync(container.Id))).Should().Be(137);
        Runtime.OperationsOn(container.Id).Should().ContainInOrder("pause", "resume", "signal");
        (await Containers.InspectAsync(container.Id)).State.Status.Should().Be(ContainerStatus.Exited);
        ShouldHoldNothing(container.Id);
    }
}
