using Containers.Containers;
using Containers.Core.Tests.Containers.Fakes;
using Containers.Testing;

namespace Containers.Core.Tests.Containers.Lifecycle;

/// <summary>
/// A fresh <see cref="FakeEngine"/> for each test: the container service's logic against a fake runtime and root
/// filesystem, without root. The same behaviours are tested against the kernel in <c>Containers.Linux.Tests</c>.
/// </summary>
public abstract class FakeEngineTest : IAsyncLifetime
{
    protected FakeEngine Fake { get; private set; } = null!;

    protected IContainerService Containers => Fake.Containers;

    protected FakeContainerRuntime Runtime => Fake.Runtime;

    protected FakeContainerRootfs Rootfs => Fake.Rootfs;

    public async Task InitializeAsync() => Fake = await FakeEngine.CreateAsync();

    public async Task DisposeAsync() => await Fake.DisposeAsync();

    /// <summary>Bounds a wait generously, so an engine that hangs fails the test instead of the run.</summary>
    protected static Task<T> Bounded<T>(Task<T> task) => task.WaitAsync(Eventually.DefaultTimeout);

    /// <inheritdoc cref="Bounded{T}(Task{T})"/>
    protected static Task Bounded(Task task) => task.WaitAsync(Eventually.DefaultTimeout);

    /// <summary>Runs a container of the fake image with <paramref name="behavior"/> for its process.</summary>
    protected async Task<ContainerDetails> RunAsync(FakeProcessBehavior behavior, ContainerCreateOptions? options = null)
    {
        Runtime.Behavior = _ => behavior;
        return await Containers.RunAsync(options ?? FakeEngine.Options());
    }

    /// <summary>Returns the containers whose state directories exist in the root.</summary>
    protected IReadOnlyList<string> ContainerDirectories() =>
        Directory.Exists(Path.Combine(Fake.Root, "containers"))
            ? Directory.EnumerateDirectories(Path.Combine(Fake.Root, "containers")).Select(d => Path.GetFileName(d)).ToList()
            : [];

    /// <summary>Asserts that the container holds nothing of the runtime any more: no mount, no sandbox, no live process.</summary>
    protected void ShouldHoldNothing(string id)
    {
        Rootfs.Mounted.Should().NotContain(id, "a container that is not running has its root unmounted");
        Runtime.Sandboxes.Should().NotContain(s => s.EndsWith("/" + id, StringComparison.Ordinal), "its sandbox (cgroup) is deleted");
        Runtime.LiveProcesses.Should().NotContain(p => p.ContainerId == id, "none of its processes runs");
    }
}
