using System.Collections.Concurrent;
using System.Globalization;
using Containers.Testing;

namespace Containers.Cli.Tests.Faults;

/// <summary>
/// Eight workers share one root: each command builds its own engine, whose start-up recovery runs beside the others'
/// starts, removals and prunes. Every command must succeed, and the store must stay consistent.
/// </summary>
public sealed class ConcurrencyTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Eight_workers_running_listing_removing_tagging_and_pruning_on_one_root_never_fail()
    {
        using var root = new TempDirectory("cli-race");
        try
        {
            await ImportAsync(root.Path, "busybox:latest");
            var keeper = await CliRunner.RunAsync(root.Path, "create", "--name", "keeper", "busybox", "true");
            keeper.ExitCode.Should().Be(0, keeper.Stderr); // keeps busybox in use, so prune -a leaves it

            var failures = new ConcurrentQueue<string>();
            var operations = 0;
            async Task Worker(int worker, int rounds, bool process)
            {
                Task<ToolResult> Cli(params string[] args) => process ? CliRunner.RunProcessAsync(root.Path, args) : CliRunner.RunAsync(root.Path, args);
                for (var i = 0; i < rounds; i++)
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"w{worker}-{i}");
                    string[][] steps =
                    [
                        ["run", "--rm", "busybox", "true"],
                        ["run", "-d", "--name", name, "busybox", "sleep", "1"],
                        ["ps", "-a"],
                        ["tag", "busybox:latest", $"w{worker}:t{i}"],
                        ["rm", "-f", name],
                        ["rmi", $"w{worker}:t{i}"],
                        ["volume", "create", $"v{name}"],
                        ["image", "prune", "-a", "-f"],
                    ];
                    foreach (var step in process ? steps[..3] : steps)
                    {
                        var result = await Cli(step).WaitAsync(Bound);
                        Interlocked.Increment(ref operations);
                        if (result.ExitCode != 0)
                        {
                            failures.Enqueue($"{string.Join(' ', step)} -> {result.ExitCode}: {result.Stderr.Trim()}");
                        }
                    }

                    if (process)
                    {
                        await Cli("rm", "-f", name).WaitAsync(Bound);
                    }
                }
            }

            await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(() => Worker(w, w < 6 ? 5 : 3, process: w >= 6))));

            Console.WriteLine($"{operations} operations by 8 workers, {failures.Count} failed");
            failures.Should().BeEmpty();
            operations.Should().BeGreaterThan(250);
            var ps = await CliRunner.RunAsync(root.Path, "ps", "-a", "-q");
            ps.Stdout.Trim().Split('\n').Should().HaveCount(1, "only the keeper is left");
        }
        finally
        {
            await CliRunner.DeleteRootAsync(root);
        }
    }

    [Fact]
    public async Task Removing_an_image_while_containers_are_created_from_it_never_leaves_a_container_without_its_image()
    {
        using var root = new TempDirectory("cli-rmi-race");
        try
        {
            for (var round = 0; round < 12; round++)
            {
                await ImportAsync(root.Path, "victim:latest", round);
                var name = string.Create(CultureInfo.InvariantCulture, $"c{round}");
                var create = CliRunner.RunAsync(root.Path, "create", "--name", name, "victim:latest", "true");
                var remove = CliRunner.RunAsync(root.Path, round % 2 == 0 ? ["rmi", "-f", "victim:latest"] : ["image", "prune", "-a", "-f"]);
                var (created, removed) = (await create.WaitAsync(Bound), await remove.WaitAsync(Bound));
                removed.ExitCode.Should().Be(0, removed.Stderr);
                if (created.ExitCode != 0)
                {
                    created.Stderr.Should().Contain("No such image", "the removal came first");
                    continue;
                }

                // Created first: the image stays (unnamed, as Docker keeps it) for the container, which still starts.
                var start = await CliRunner.RunAsync(root.Path, "start", "-a", name);
                start.ExitCode.Should().Be(0, $"round {round}: {start.Stderr}");
                (await CliRunner.RunAsync(root.Path, "rm", name)).ExitCode.Should().Be(0);
            }
        }
        finally
        {
            await CliRunner.DeleteRootAsync(root);
        }
    }

    private static async Task ImportAsync(string root, string reference, int variant = 0)
    {
        var rootfs = Path.Combine(root, "rootfs.tar");
        await File.WriteAllBytesAsync(rootfs, await TestImages.BusyboxRootfsAsync(new Dictionary<string, string> { ["etc/variant"] = variant.ToString(CultureInfo.InvariantCulture) }));
        var import = await CliRunner.RunAsync(root, "import", "--change", "CMD [\"/bin/sh\"]", rootfs, reference);
        File.Delete(rootfs);
        import.ExitCode.Should().Be(0, import.Stderr);
    }
}
