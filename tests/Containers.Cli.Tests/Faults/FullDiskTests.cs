using Containers.Testing;

namespace Containers.Cli.Tests.Faults;

/// <summary>
/// A container that fills the disk its root lives on: its exit code is kept, and reading and removing still work so the
/// engine can free what the container filled. Each test has its own 50 MB tmpfs.
/// </summary>
public sealed class FullDiskTests
{
    private const string Filler = "dd if=/dev/zero of=/fill bs=1M; exit 7";

    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    private static async Task<TmpfsRoot> RootWithBusyboxAsync()
    {
        var root = new TmpfsRoot("fulldisk", 50);
        var rootfs = Path.Combine(root.Path, "busybox.tar");
        await File.WriteAllBytesAsync(rootfs, await TestImages.BusyboxRootfsAsync());
        var import = await CliRunner.RunAsync(root.Path, "import", "--change", "CMD [\"/bin/sh\"]", rootfs, "busybox:latest");
        File.Delete(rootfs);
        import.ExitCode.Should().Be(0, import.Stderr);
        return root;
    }

    private static async Task CleanUpAsync(TmpfsRoot root)
    {
        await CliRunner.RunAsync(root.Path, "system", "reset", "--force");
        root.Dispose();
    }

    /// <summary>Reading commands work while the disk is full, and rm -f frees what the container filled.</summary>
    private static async Task ReadAndRemoveOnAFullDiskAsync(TmpfsRoot root, Func<string[], Task<ToolResult>> cli)
    {
        root.FreeBytes.Should().BeLessThan(1024 * 1024, "the container filled the disk");
        var ps = await cli(["ps", "-a"]).WaitAsync(Bound);
        ps.ExitCode.Should().Be(0, ps.Stderr);
        ps.Stdout.Should().Contain("Exited (7)");
        var inspect = await cli(["inspect", "filler"]).WaitAsync(Bound);
        inspect.ExitCode.Should().Be(0, inspect.Stderr);
        inspect.Stdout.Should().Contain("\"ExitCode\": 7");
        var images = await cli(["images"]).WaitAsync(Bound);
        images.ExitCode.Should().Be(0, images.Stderr);
        images.Stdout.Should().Contain("busybox");
        var logs = await cli(["logs", "filler"]).WaitAsync(Bound);
        logs.ExitCode.Should().Be(0, logs.Stderr);
        var rm = await cli(["rm", "-f", "filler"]).WaitAsync(Bound);
        rm.ExitCode.Should().Be(0, rm.Stderr);
        root.FreeBytes.Should().BeGreaterThan(30L * 1024 * 1024, "removing the container freed its layer");
        (await cli(["ps", "-a", "-q"]).WaitAsync(Bound)).Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task An_attached_container_that_fills_the_disk_returns_its_exit_code_and_the_engine_can_free_the_space()
    {
        var root = await RootWithBusyboxAsync();
        try
        {
            var run = await CliRunner.RunAsync(root.Path, "run", "--name", "filler", "busybox", "sh", "-c", Filler).WaitAsync(Bound);
            run.ExitCode.Should().Be(7, run.Stderr);
            await ReadAndRemoveOnAFullDiskAsync(root, args => CliRunner.RunAsync(root.Path, args));
        }
        finally
        {
            await CleanUpAsync(root);
        }
    }

    [Fact]
    public async Task A_detached_container_that_fills_the_disk_keeps_its_exit_code_and_other_processes_can_free_the_space()
    {
        var root = await RootWithBusyboxAsync();
        try
        {
            var run = await CliRunner.RunProcessAsync(root.Path, "run", "-d", "--name", "filler", "busybox", "sh", "-c", Filler).WaitAsync(Bound);
            run.ExitCode.Should().Be(0, run.Stderr);
            var wait = await CliRunner.RunProcessAsync(root.Path, "wait", "filler").WaitAsync(Bound);
            wait.Stdout.Trim().Should().Be("7", wait.Stderr);
            await ReadAndRemoveOnAFullDiskAsync(root, args => CliRunner.RunProcessAsync(root.Path, args));
        }
        finally
        {
            await CleanUpAsync(root);
        }
    }

    [Fact]
    public async Task A_write_that_does_not_fit_names_the_path_and_the_operation()
    {
        var root = await RootWithBusyboxAsync();
        try
        {
            // Fill the disk from outside: no container reserved anything yet.
            await using (var fill = new FileStream(Path.Combine(root.Path, "fill"), FileMode.Create))
            {
                var block = new byte[1024 * 1024];
                try
                {
                    while (true)
                    {
                        fill.Write(block);
                        fill.Flush();
                    }
                }
                catch (IOException)
                {
                }
            }

            var create = await CliRunner.RunAsync(root.Path, "create", "--name", "late", "busybox", "true").WaitAsync(Bound);
            create.ExitCode.Should().NotBe(0);
            create.Stderr.Should().Contain("No space left on device").And.Contain(root.Path, "the message names the file").And.MatchRegex("(writing|creating)", "and what was being done");
            File.Delete(Path.Combine(root.Path, "fill"));
        }
        finally
        {
            await CleanUpAsync(root);
        }
    }
}
