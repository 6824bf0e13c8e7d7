using Containers.Containers;
using Containers.Core.Tests.Containers.Fakes;

namespace Containers.Core.Tests.Containers.Lifecycle;

/// <summary>Exec: what the runtime is asked to run (the container's process, its environment merged, its user resolved) and when it is refused.</summary>
[Trait("Category", "NoRoot")]
public sealed class ExecTests : FakeEngineTest
{
    [Fact]
    public async Task Exec_runs_in_the_containers_process_with_its_environment_overridden_by_the_execs()
    {
        var container = await RunAsync(FakeProcessBehavior.RunsUntilSignalled(), FakeEngine.Options() with { Environment = ["A=1", "B=2"] });

        var execution = await Containers.StartExecAsync(container.Id, new ExecOptions { Command = ["ls", "-l"], Environment = ["B=3", "C=4"], WorkingDirectory = "/tmp" });
        await using (execution)
        {
            (await Bounded(execution.WaitForExitAsync())).Should().Be(0);
        }

        var request = Runtime.Execs.Should().ContainSingle().Which;
        request.ContainerPid.Should().Be(Runtime.MainProcessOf(container.Id).Pid);
        request.ContainerStartTime.Should().Be(Runtime.MainProcessOf(container.Id).StartTime);
        request.Process.Args.Should().Equal("ls", "-l");
        request.Process.Env.Should().Contain(["A=1", "B=3", "C=4"]).And.NotContain("B=2");
        request.Process.Cwd.Should().Be("/tmp");
        request.Process.Terminal.Should().BeFalse();
    }

    [Fact]
    public async Task ExecAsync_collects_the_output_and_the_exit_code()
    {
        var container = await RunAsync(FakeProcessBehavior.RunsUntilSignalled());
        Runtime.ExecBehavior = request => FakeProcessBehavior.Exits(5, string.Join(' ', request.Process.Args) + "\n");

        var result = await Bounded(Containers.ExecAsync(container.Id, ["echo", "hi"]));

        result.ExitCode.Should().Be(5);
        result.Stdout.Should().Be("echo hi\n");
    }

    [Fact]
    public async Task The_execs_user_is_resolved_from_the_containers_own_passwd_file()
    {
        var container = await RunAsync(FakeProcessBehavior.RunsUntilSignalled());

        await using (await Containers.StartExecAsync(container.Id, new ExecOptions { Command = ["id"], User = "nobody" }))
        {
        }

        var user = Runtime.Execs.Should().ContainSingle().Which.Process.User!;
        user.Uid.Should().Be(65534u);
        user.Gid.Should().Be(65534u);
        var unknown = () => Containers.StartExecAsync(container.Id, new ExecOptions { Command = ["id"], User = "nobody-here" });
        (await unknown.Should().ThrowAsync<InvalidContainerConfigurationException>()).Which.Message.Should().Contain("unable to find user nobody-here");
    }

    [Fact]
    public async Task Exec_is_refused_in_a_container_that_is_not_running_or_without_a_command()
    {
        var container = await RunAsync(FakeProcessBehavior.Exits(0));
        await Bounded(Containers.WaitAsync(container.Id));

        var stopped = () => Containers.StartExecAsync(container.Id, new ExecOptions { Command = ["true"] });
        var empty = () => Containers.StartExecAsync(container.Id, new ExecOptions { Command = [] });

        (await stopped.Should().ThrowAsync<ContainerStateException>()).Which.Message.Should().Contain("is not running");
        await empty.Should().ThrowAsync<InvalidContainerConfigurationException>();
        Runtime.Execs.Should().BeEmpty();
    }

    [Fact]
    public async Task Exec_is_refused_in_a_paused_container_with_what_to_do()
    {
        var container = await RunAsync(FakeProcessBehavior.RunsUntilSignalled());
        await Containers.PauseAsync(container.Id);

        var act = () => Containers.StartExecAsync(container.Id, new ExecOptions { Command = ["true"] });

        (await act.Should().ThrowAsync<ContainerStateException>()).Which.Message.Should().Contain("unpause the container before exec");
        Runtime.Execs.Should().BeEmpty();
    }

    [Fact]
    public async Task An_execd_process_dies_with_the_container()
    {
        var container = await RunAsync(FakeProcessBehavior.RunsUntilSignalled());
        Runtime.ExecBehavior = _ => FakeProcessBehavior.IgnoresSignals();
        var execution = await Containers.StartExecAsync(container.Id, new ExecOptions { Command = ["sleep", "600"] });

        await Bounded(Containers.StopAsync(container.Id, TimeSpan.FromMinutes(10)));

        (await Bounded(execution.WaitForExitAsync())).Should().Be(137);
        await execution.DisposeAsync();
        ShouldHoldNothing(container.Id);
    }
}
