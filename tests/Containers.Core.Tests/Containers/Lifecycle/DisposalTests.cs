using Containers.Containers;
using Containers.Core.Tests.Containers.Fakes;

namespace Containers.Core.Tests.Containers.Lifecycle;

/// <summary>
/// Disposing the engine while its containers run: they would die with this process anyway, so it kills them now and
/// releases what they hold; a later engine on the root finds them exited.
/// </summary>
[Trait("Category", "NoRoot")]
public sealed class DisposalTests : FakeEngineTest
{
    [Fact]
    public async Task Disposing_the_engine_kills_its_containers_and_releases_them()
    {
        var polite = await RunAsync(FakeProcessBehavior.RunsUntilSignalled());
        var stubborn = await RunAsync(FakeProcessBehavior.IgnoresSignals());

        await Bounded(Fake.DisposeEngineAsync());

        foreach (var id in new[] { polite.Id, stubborn.Id })
        {
            Runtime.SignalsTo(id).Should().Equal(Signals.Kill);
            Runtime.MainProcessOf(id).HasExited.Should().BeTrue();
            ShouldHoldNothing(id);
        }

        await using var later = Fake.OpenAnotherEngine();
        var states = (await later.Containers.ListAsync(all: true)).Select(c => (c.Id, c.State.Status, c.State.ExitCode));
        states.Should().BeEquivalentTo([(polite.Id, ContainerStatus.Exited, 137), (stubborn.Id, ContainerStatus.Exited, 137)]);
    }

    [Fact]
    public async Task Disposing_the_engine_kills_a_paused_container_too()
    {
        var container = await RunAsync(FakeProcessBehavior.IgnoresSignals());
        await Containers.PauseAsync(container.Id);

        await Bounded(Fake.DisposeEngineAsync());

        Runtime.MainProcessOf(container.Id).HasExited.Should().BeTrue("a frozen process only dies once thawed");
        ShouldHoldNothing(container.Id);
    }

    [Fact]
    public async Task Disposing_the_engine_leaves_created_and_exited_containers_as_they_are()
    {
        var created = await Containers.CreateAsync(FakeEngine.Options());
        var exited = await RunAsync(FakeProcessBehavior.Exits(4));
        await Bounded(Containers.WaitAsync(exited.Id));

        await Bounded(Fake.DisposeEngineAsync());

        Runtime.Calls.Should().NotContain(c => c.Operation == "signal");
        await using var later = Fake.OpenAnotherEngine();
        (await later.Containers.InspectAsync(created.Id)).State.Status.Should().Be(ContainerStatus.Created);
        (await later.Containers.InspectAsync(exited.Id)).State.ExitCode.Should().Be(4);
    }
}
