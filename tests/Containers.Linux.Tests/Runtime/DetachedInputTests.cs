using Containers.Containers;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Linux.Tests.Runtime;

/// <summary>The standard input of detached containers started with it open: written by any process on the root.</summary>
public sealed class DetachedInputTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    private IContainerService Containers => fixture.Containers;

    [Fact]
    public async Task Any_process_can_write_a_detached_containers_input_and_closing_it_does_not_end_it()
    {
        var container = await Containers.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox",
            Command = ["sh", "-c", "while read line; do echo got $line; done; echo input ended"],
            Detached = true,
            OpenStdin = true,
        });

        // Another engine on the same root, as another process would do it.
        await using (var other = ContainerEngine.Create(new ContainersOptions { Root = fixture.Test.Root }, b => b.AddLinuxRuntime()))
        {
            var first = await other.Containers.GetStandardInputAsync(container.Id);
            first.Should().NotBeNull();
            await using (first!)
            {
                await first!.WriteAsync("hello\n"u8.ToArray());
            }
        }

        var second = await Containers.GetStandardInputAsync(container.Id);
        await using (second!)
        {
            await second!.WriteAsync("again\n"u8.ToArray());
        }

        await Eventually.UntilAsync(async () => await LogAsync(container.Id) == "got hello\ngot again\n", "both lines arrive and the input stays open");
        (await Containers.InspectAsync(container.Id)).State.Status.Should().Be(ContainerStatus.Running);
        await Containers.RemoveAsync(container.Id, force: true);
    }

    [Fact]
    public async Task A_detached_container_without_open_input_has_none_to_write()
    {
        var container = await Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sh", "-c", "cat; echo input ended; sleep 600"], Detached = true });
        (await Containers.GetStandardInputAsync(container.Id)).Should().BeNull();
        await Eventually.UntilAsync(async () => await LogAsync(container.Id) == "input ended\n", "cat reads end of file from /dev/null");
        await Containers.RemoveAsync(container.Id, force: true);
    }

    private async Task<string> LogAsync(string id)
    {
        var text = new System.Text.StringBuilder();
        await foreach (var entry in Containers.LogsAsync(id))
        {
            text.Append(entry.Text);
        }

        return text.ToString();
    }
}
