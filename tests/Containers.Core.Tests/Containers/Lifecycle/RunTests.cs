using Containers.Containers;
using Containers.Core.Tests.Containers.Fakes;
using Containers.Testing;

namespace Containers.Core.Tests.Containers.Lifecycle;

/// <summary>Run (create, start) and wait; --rm; and failed runs and starts, which leave nothing or say why.</summary>
[Trait("Category", "NoRoot")]
public sealed class RunTests : FakeEngineTest
{
    [Fact]
    public async Task Run_starts_the_container_and_wait_returns_its_exit_code()
    {
        var container = await RunAsync(FakeProcessBehavior.Exits(42, "hello\n"));

        (await Bounded(Containers.WaitAsync(container.Id))).Should().Be(42);

        var details = await Containers.InspectAsync(container.Id);
        details.State.Status.Should().Be(ContainerStatus.Exited);
        details.State.ExitCode.Should().Be(42);
        details.State.StartedAt.Should().NotBeNull();
        details.State.FinishedAt.Should().NotBeNull();
        (await Containers.LogsAsync(container.Id).Select(e => e.Text).ToListAsync()).Should().Equal("hello\n");
        Runtime.OperationsOn(container.Id).Should().StartWith("create").And.Contain("delete");
        Runtime.MainProcessOf(container.Id).Started.Should().BeTrue();
        Rootfs.OperationsOn(container.Id).Should().Equal("mount", "unmount");
        Rootfs.HasLayer(container.Id).Should().BeTrue("an exited container keeps its writable layer until it is removed");
        ShouldHoldNothing(container.Id);
    }

    [Fact]
    public async Task Run_returns_a_running_container_described_with_its_process()
    {
        var container = await RunAsync(FakeProcessBehavior.RunsUntilSignalled());

        container.State.Status.Should().Be(ContainerStatus.Running);
        container.State.Pid.Should().Be(Runtime.MainProcessOf(container.Id).Pid);
        Rootfs.Mounted.Should().Contain(container.Id);
        Runtime.SpecOf(container.Id).Root!.Path.Should().Be(Rootfs.PathOf(container.Id));
        Runtime.SpecOf(container.Id).Process!.Args.Should().Equal("serve");
    }

    [Fact]
    public async Task Start_of_a_running_container_does_nothing()
    {
        var container = await RunAsync(FakeProcessBehavior.RunsUntilSignalled());

        await Containers.StartAsync(container.Id);

        Runtime.MainProcessesOf(container.Id).Should().ContainSingle();
    }

    [Fact]
    public async Task Run_with_auto_remove_removes_the_container_once_it_exits_and_wait_still_gets_the_code()
    {
        var container = await RunAsync(FakeProcessBehavior.Exits(3), FakeEngine.Options() with { AutoRemove = true, Name = "gone" });

        (await Bounded(Containers.WaitAsync(container.Id))).Should().Be(3);

        await Eventually.UntilAsync(() => Task.FromResult(!Directory.Exists(Fake.DirectoryOf(container.Id))), "the container is removed");
        var inspect = () => Containers.InspectAsync(container.Id);
        await inspect.Should().ThrowAsync<ContainerNotFoundException>();
        Rootfs.HasLayer(container.Id).Should().BeFalse();
        Rootfs.OperationsOn(container.Id).Should().EndWith("remove");
        ShouldHoldNothing(container.Id);
        (await Containers.CreateAsync(FakeEngine.Options() with { Name = "gone" })).Name.Should().Be("gone", "the name is free again");
    }

    [Fact]
    public async Task A_runtime_create_failure_fails_run_naming_the_container_and_leaves_nothing()
    {
        var failure = new ContainerStartException("mounting /proc", 1, "EPERM", "mount of /proc failed: EPERM (Operation not permitted)");

        var act = () => RunAsync(FakeProcessBehavior.FailsToCreate(failure), FakeEngine.Options() with { Name = "broken" });

        var error = (await act.Should().ThrowAsync<ContainerStartException>()).Which;
        error.Message.Should().Contain("broken").And.Contain("mount of /proc failed");
        error.AffectedContainerName.Should().Be("broken");
        var id = error.AffectedContainerId!;
        id.Should().NotBeNull();
        (await Containers.ListAsync(all: true)).Should().BeEmpty();
        ContainerDirectories().Should().BeEmpty();
        Rootfs.OperationsOn(id).Should().StartWith("mount").And.EndWith("remove", "the root it mounted is removed again");
        Rootfs.HasLayer(id).Should().BeFalse();
        ShouldHoldNothing(id);
        (await Containers.CreateAsync(FakeEngine.Options() with { Name = "broken" })).Name.Should().Be("broken", "the name is free again");
    }

    [Fact]
    public async Task A_program_that_cannot_run_fails_run_with_dockers_exit_code_and_leaves_nothing()
    {
        var notFound = new ContainerCommandException("nope", 127, "exec: \"nope\": executable file not found in $PATH");

        var act = () => RunAsync(FakeProcessBehavior.FailsToStart(notFound), FakeEngine.Options("nope"));

        var error = (await act.Should().ThrowAsync<ContainerCommandException>()).Which;
        error.ExitCode.Should().Be(127);
        error.Message.Should().Contain("executable file not found in $PATH");
        var id = error.AffectedContainerId!;
        Runtime.MainProcessOf(id).Disposed.Should().BeTrue("the process created at the barrier is released");
        (await Containers.ListAsync(all: true)).Should().BeEmpty();
        Rootfs.HasLayer(id).Should().BeFalse();
        ShouldHoldNothing(id);
    }

    [Fact]
    public async Task Start_of_a_created_container_whose_program_cannot_run_leaves_it_created_with_the_exit_code_and_error()
    {
        var created = await Containers.CreateAsync(FakeEngine.Options("nope"));
        Runtime.Behavior = _ => FakeProcessBehavior.FailsToStart(new ContainerCommandException("nope", 127, "exec: \"nope\": executable file not found in $PATH"));

        var act = () => Containers.StartAsync(created.Id);

        await act.Should().ThrowAsync<ContainerCommandException>();
        var state = (await Containers.InspectAsync(created.Id)).State;
        state.Status.Should().Be(ContainerStatus.Created, "as Docker: a container that never ran stays created");
        state.ExitCode.Should().Be(127);
        state.Error.Should().Contain("executable file not found");
        ShouldHoldNothing(created.Id);
        Rootfs.HasLayer(created.Id).Should().BeTrue("it still exists, and may be started again");
    }

    [Fact]
    public async Task A_root_filesystem_failure_fails_run_naming_the_container_before_any_process_exists()
    {
        Rootfs.MountError = new IOException("No space left on device");

        var act = () => RunAsync(FakeProcessBehavior.RunsUntilSignalled(), FakeEngine.Options() with { Name = "full" });

        var error = (await act.Should().ThrowAsync<ContainerRunException>()).Which;
        error.InnerException.Should().BeOfType<IOException>();
        error.Message.Should().Contain("full").And.Contain("No space left on device");
        Runtime.Calls.Should().NotContain(c => c.Operation == "create");
        (await Containers.ListAsync(all: true)).Should().BeEmpty();
    }

    [Fact]
    public async Task Wait_on_a_created_container_returns_at_once_and_on_an_unknown_one_fails()
    {
        var created = await Containers.CreateAsync(FakeEngine.Options());

        (await Bounded(Containers.WaitAsync(created.Id))).Should().Be(0);
        var unknown = () => Containers.WaitAsync("no-such-container");
        await unknown.Should().ThrowAsync<ContainerNotFoundException>();
    }
}
