using Containers.Containers;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Linux.Tests.Runtime;

/// <summary>
/// Two engines of one process on one root (the engine supports that, and the CLI's in-process tests do it): one lists
/// while the other runs containers that exit at once. The lister saw a container whose process had exited but whose
/// exit its engine had not recorded yet, took its owner (this very process ID) for dead and recorded the container as
/// killed (137), which the running engine then returned (found as a failure of the CLI's ConcurrencyTests).
/// </summary>
public sealed class SharedRootEnginesTests : IAsyncLifetime
{
    private readonly TempDirectory _root = new("shared-engines");
    private ContainerEngine _runner = null!;
    private ContainerEngine _lister = null!;

    public async Task InitializeAsync()
    {
        _runner = ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.AddLinuxRuntime());
        using (var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync()))
        {
            await _runner.Images.ImportAsync(rootfs, new global::Containers.Images.ImportOptions { Reference = "busybox:latest" });
        }

        _lister = ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.AddLinuxRuntime());
    }

    public async Task DisposeAsync()
    {
        await _lister.DisposeAsync();
        await _runner.ResetAsync();
        await _runner.DisposeAsync();
        _root.Dispose();
    }

    [Fact]
    public async Task Another_engine_of_the_same_process_listing_never_changes_a_containers_exit_code()
    {
        using var stop = new CancellationTokenSource();
        var listing = Task.Run(async () =>
        {
            var lists = 0;
            while (!stop.IsCancellationRequested)
            {
                await _lister.Containers.ListAsync(all: true);
                lists++;
            }

            return lists;
        });

        var codes = new List<int>();
        for (var i = 0; i < 40; i++)
        {
            var container = await _runner.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sh", "-c", "exit 3"], Network = "none" });
            codes.Add(await _runner.Containers.WaitAsync(container.Id));
            (await _runner.Containers.InspectAsync(container.Id)).State.ExitCode.Should().Be(3, "the recorded exit code is the program's");
            await _runner.Containers.RemoveAsync(container.Id);
        }

        await stop.CancelAsync();
        (await listing).Should().BePositive("the other engine listed meanwhile");
        codes.Should().AllSatisfy(code => code.Should().Be(3, "every run exited with its program's code"));
    }
}
