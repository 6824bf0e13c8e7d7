using Containers.Containers;

namespace Containers.Linux.Tests.Runtime;

/// <summary>SIGKILL reaches a paused container: the cgroup v1 freezer holds even SIGKILL until a thaw, so kill thaws it (as Docker's does).</summary>
public sealed class PausedKillTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    [Fact]
    public async Task Kill_ends_a_paused_container()
    {
        var container = await fixture.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "600"] });
        await fixture.Containers.PauseAsync(container.Id);

        await fixture.Containers.KillAsync(container.Id);

        (await fixture.Containers.WaitAsync(container.Id).WaitAsync(TimeSpan.FromSeconds(60))).Should().Be(137);
        (await fixture.Containers.InspectAsync(container.Id)).State.Status.Should().Be(ContainerStatus.Exited);
        await fixture.Containers.RemoveAsync(container.Id);
    }
}
