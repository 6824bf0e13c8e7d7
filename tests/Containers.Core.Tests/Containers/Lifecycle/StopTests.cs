using Containers.Containers;
using Containers.Core.Tests.Containers.Fakes;

namespace Containers.Core.Tests.Containers.Lifecycle;

/// <summary>Stop: the stop signal first (the container's, the image's, or SIGTERM), SIGKILL once the timeout passed.</summary>
[Trait("Category", "NoRoot")]
public sealed class StopTests : FakeEngineTest
{
    // Longer than the bounded wait: a stop that waited for it instead of the exit would fail the test.
    private static readonly TimeSpan LongTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task Stop_sends_SIGTERM_and_returns_when_the_process_exits_on_it()
    {
        var container = await RunAsync(FakeProcessBehavior.Traps(Signals.Term, 42));

        await Bounded(Containers.StopAsync(container.Id, LongTimeout));

        Runtime.SignalsTo(container.Id).Should().Equal(Signals.Term);
        var state = (await Containers.InspectAsync(container.Id)).State;
        state.Status.Should().Be(ContainerStatus.Exited);
        state.ExitCode.Should().Be(42);
        ShouldHoldNothing(container.Id);
    }

    [Fact]
    public async Task Stop_escalates_to_SIGKILL_when_the_process_ignores_the_signal_past_the_timeout()
    {
        // A PID 1 without a handler ignores SIGTERM, as in Docker.
        var container = await RunAsync(FakeProcessBehavior.IgnoresSignals());

        await Bounded(Containers.StopAsync(container.Id, TimeSpan.FromMilliseconds(200)));

        Runtime.SignalsTo(container.Id).Should().Equal(Signals.Term, Signals.Kill);
        (await Containers.InspectAsync(container.Id)).State.ExitCode.Should().Be(137);
        ShouldHoldNothing(container.Id);
    }

    [Fact]
    public async Task The_containers_stop_signal_wins_over_the_images_and_the_images_over_SIGTERM()
    {
        await Fake.ImportImageAsync("quits:1", "CMD [\"serve\"]", "STOPSIGNAL SIGQUIT");
        Runtime.Behavior = _ => FakeProcessBehavior.RunsUntilSignalled();
        var own = await Containers.RunAsync(FakeEngine.Options() with { Image = "quits:1", StopSignal = "SIGINT" });
        var image = await Containers.RunAsync(FakeEngine.Options() with { Image = "quits:1" });

        await Bounded(Containers.StopAsync(own.Id, LongTimeout));
        await Bounded(Containers.StopAsync(image.Id, LongTimeout));

        Runtime.SignalsTo(own.Id).Should().Equal(2);
        (await Containers.InspectAsync(own.Id)).State.ExitCode.Should().Be(130);
        Runtime.SignalsTo(image.Id).Should().Equal(3);
        (await Containers.InspectAsync(image.Id)).State.ExitCode.Should().Be(131);
    }

    [Fact]
    public async Task Stop_of_a_container_that_is_not_running_sends_nothing()
    {
        var created = await Containers.CreateAsync(FakeEngine.Options());
        var exited = await RunAsync(FakeProcessBehavior.Exits(0));
        await Bounded(Containers.WaitAsync(exited.Id));

        await Containers.StopAsync(created.Id);
        await Containers.StopAsync(exited.Id);

        Runtime.Calls.Should().NotContain(c => c.Operation == "signal");
        (await Containers.InspectAsync(created.Id)).State.Status.Should().Be(ContainerStatus.Created);
    }

    [Fact]
    public async Task Stop_of_a_paused_container_thaws_it_so_the_stop_signal_takes_effect()
    {
        var container = await RunAsync(FakeProcessBehavior.RunsUntilSignalled());
        await Containers.PauseAsync(container.Id);

        await Bounded(Containers.StopAsync(container.Id, LongTimeout));

        Runtime.OperationsOn(container.Id).Should().ContainInOrder("pause", "resume", "signal");
        Runtime.SignalsTo(container.Id).Should().Equal(Signals.Term);
        (await Containers.InspectAsync(container.Id)).State.ExitCode.Should().Be(128 + Signals.Term);
    }

    [Fact]
    public async Task Stop_of_an_unknown_container_says_it_is_not_found()
    {
        var act = () => Containers.StopAsync("nothing-here");

        await act.Should().ThrowAsync<ContainerNotFoundException>();
    }
}
