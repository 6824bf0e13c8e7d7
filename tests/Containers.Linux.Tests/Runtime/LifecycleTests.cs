using Containers.Containers;
using Containers.Images;
using Containers.Testing;

namespace Containers.Linux.Tests.Runtime;

/// <summary>Starting, stopping, signalling, restarting and removing containers, and what bad input does.</summary>
public sealed class LifecycleTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    private IContainerService Containers => fixture.Containers;

    [Fact]
    public async Task The_exit_code_passes_through()
    {
        (await fixture.RunAsync("sh", "-c", "exit 42")).ExitCode.Should().Be(42);
    }

    [Fact]
    public async Task Stop_sends_the_stop_signal_first()
    {
        var container = await Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sh", "-c", "trap 'exit 42' TERM; while true; do sleep 0.1; done"] });
        await Eventually.UntilAsync(async () => (await Containers.TopAsync(container.Id)).Count > 1, "the loop runs");

        await Containers.StopAsync(container.Id, TimeSpan.FromSeconds(20));

        var details = await Containers.InspectAsync(container.Id);
        details.State.ExitCode.Should().Be(42);
        details.State.Status.Should().Be(ContainerStatus.Exited);
        await Containers.RemoveAsync(container.Id);
    }

    [Fact]
    public async Task Stop_escalates_to_SIGKILL_when_the_signal_is_ignored()
    {
        // A PID 1 without a handler ignores SIGTERM, as in Docker.
        var container = await Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "600"] });

        await Containers.StopAsync(container.Id, TimeSpan.FromMilliseconds(300));

        (await Containers.InspectAsync(container.Id)).State.ExitCode.Should().Be(137);
        await Containers.RemoveAsync(container.Id);
    }

    [Fact]
    public async Task Kill_sends_a_signal_and_refuses_a_stopped_container()
    {
        var container = await Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sh", "-c", "trap 'exit 7' USR1; while true; do sleep 0.1; done"] });
        await Eventually.UntilAsync(async () => (await Containers.TopAsync(container.Id)).Count > 1, "the loop runs");

        await Containers.KillAsync(container.Id, "SIGUSR1");

        (await Containers.WaitAsync(container.Id)).Should().Be(7);
        var act = () => Containers.KillAsync(container.Id);
        (await act.Should().ThrowAsync<ContainerStateException>()).Which.Message.Should().Contain("is not running");
        var badSignal = () => Containers.KillAsync(container.Id, "SIGNOPE");
        await badSignal.Should().ThrowAsync<InvalidContainerConfigurationException>();
        await Containers.RemoveAsync(container.Id);
    }

    [Fact]
    public async Task A_running_container_is_removed_only_with_force()
    {
        var container = await Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Name = "rm-me", Command = ["sleep", "600"] });
        var act = () => Containers.RemoveAsync("rm-me");
        (await act.Should().ThrowAsync<ContainerStateException>()).Which.Message.Should().Contain("Stop the container");

        await Containers.RemoveAsync("rm-me", force: true);

        var gone = () => Containers.InspectAsync(container.Id);
        await gone.Should().ThrowAsync<ContainerNotFoundException>();
        Directory.Exists(Path.Combine(fixture.Test.Root, "containers", container.Id)).Should().BeFalse();
        Directory.Exists(Path.Combine(fixture.Test.Root, "storage", "overlay", "containers", container.Id)).Should().BeFalse();
    }

    [Fact]
    public async Task Restart_policy_on_failure_restarts_up_to_its_limit()
    {
        var container = await Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", RestartPolicy = RestartPolicy.Parse("on-failure:2"), Command = ["sh", "-c", "echo run; exit 3"] });

        await Eventually.UntilAsync(async () => (await Containers.InspectAsync(container.Id)) is { State: { RestartCount: 2, IsRunning: false } }, "the restarts are done");

        (await Containers.LogsAsync(container.Id).CountAsync()).Should().Be(3);
        await Containers.RemoveAsync(container.Id);
    }

    [Fact]
    public async Task Names_are_unique_and_rename_keeps_them_so()
    {
        var first = await Containers.CreateAsync(new ContainerCreateOptions { Image = "busybox", Name = "one", Command = ["true"] });
        var act = () => Containers.CreateAsync(new ContainerCreateOptions { Image = "busybox", Name = "one", Command = ["true"] });
        (await act.Should().ThrowAsync<ContainerNameConflictException>()).Which.ExistingId.Should().Be(first.Id);

        await Containers.RenameAsync("one", "two");

        (await Containers.InspectAsync("two")).Id.Should().Be(first.Id);
        var invalid = () => Containers.RenameAsync("two", "bad name!");
        await invalid.Should().ThrowAsync<InvalidContainerConfigurationException>();
        await Containers.RemoveAsync("two");
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_error_and_leaves_nothing_running()
    {
        var missingImage = () => Containers.RunAsync(new ContainerCreateOptions { Image = "nothing:here", Command = ["true"] });
        await missingImage.Should().ThrowAsync<ImageNotFoundException>();

        var badCommand = () => Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["no-such-program"], AutoRemove = true });
        var notFound = (await badCommand.Should().ThrowAsync<ContainerCommandException>()).Which;
        notFound.ExitCode.Should().Be(127);
        notFound.Message.Should().Contain("executable file not found in $PATH");

        var notExecutable = () => Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["/etc/passwd"], AutoRemove = true });
        (await notExecutable.Should().ThrowAsync<ContainerCommandException>()).Which.ExitCode.Should().Be(126);

        var badUser = () => Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", User = "nobody-here", Command = ["true"], AutoRemove = true });
        (await badUser.Should().ThrowAsync<InvalidContainerConfigurationException>()).Which.Message.Should().Contain("unable to find user nobody-here");

        var tinyMemory = () => Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Memory = 1024, Command = ["true"], AutoRemove = true });
        (await tinyMemory.Should().ThrowAsync<InvalidContainerConfigurationException>()).Which.Setting.Should().Be("memory");

        var badCap = () => Containers.CreateAsync(new ContainerCreateOptions { Image = "busybox", CapAdd = ["CAP_FLY"], Command = ["true"] });
        await badCap.Should().ThrowAsync<InvalidContainerConfigurationException>().WithMessage("*unknown capability*");

        var badUlimit = () => Containers.CreateAsync(new ContainerCreateOptions { Image = "busybox", Ulimits = ["nofile=abc"], Command = ["true"] });
        await badUlimit.Should().ThrowAsync<InvalidContainerConfigurationException>();

        var badSecurity = () => Containers.CreateAsync(new ContainerCreateOptions { Image = "busybox", SecurityOptions = ["apparmor-ish"], Command = ["true"] });
        await badSecurity.Should().ThrowAsync<InvalidContainerConfigurationException>();

        (await Containers.ListAsync(all: true)).Should().BeEmpty();
        (Directory.Exists(fixture.CgroupParent("memory")) ? Directory.EnumerateDirectories(fixture.CgroupParent("memory")) : []).Should().BeEmpty("no cgroup is left behind");
    }

    [Fact]
    public async Task An_image_a_container_uses_cannot_be_removed_without_force()
    {
        await fixture.Test.ImportBusyboxAsync("in-use:1", extraFiles: new Dictionary<string, string> { ["etc/in-use"] = "1" });
        var container = await Containers.CreateAsync(new ContainerCreateOptions { Image = "in-use:1", Command = ["true"] });

        var act = () => fixture.Test.Engine.Images.RemoveAsync("in-use:1");
        (await act.Should().ThrowAsync<ImageInUseException>()).Which.ContainerIds.Should().Contain(container.Id);

        await fixture.Test.Engine.Images.RemoveAsync("in-use:1", force: true);
        await Containers.RemoveAsync(container.Id);
    }

    [Fact]
    public async Task Standard_input_reaches_the_container_when_kept_open()
    {
        var container = await Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", OpenStdin = true, Command = ["sh", "-c", "read line; echo got:$line; wc -l"] });
        var stdin = await Containers.GetStandardInputAsync(container.Id);
        stdin.Should().NotBeNull();
        await using (var writer = new StreamWriter(stdin!))
        {
            await writer.WriteAsync("hello\nmore\nlines\n");
        }

        (await Containers.WaitAsync(container.Id)).Should().Be(0);
        string.Concat(await Containers.LogsAsync(container.Id).Select(e => e.Text).ToListAsync()).Should().Be("got:hello\n2\n");
        await Containers.RemoveAsync(container.Id);
    }
}
