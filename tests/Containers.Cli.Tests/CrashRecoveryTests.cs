using System.Diagnostics;
using Containers.Hosting;
using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>A process killed in the middle of a write leaves a half-written blob that the next engine start reclaims.</summary>
public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task A_write_cut_short_by_SIGKILL_is_reclaimed_on_the_next_start()
    {
        using var root = new TempDirectory("cli-crash");
        // The store as the CLI leaves it (with the files its Linux runtime adds: the root's ID, the overlay probe).
        (await CliRunner.RunProcessAsync(root.Path, "ps", "-a")).ExitCode.Should().Be(0);
        var snapshot = StoreSnapshot.Take(root.Path);

        var start = new ProcessStartInfo(CliRunner.ProgramPath) { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "--root", root.Path, "import", "-", "crash:1" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var tar = await TestImages.BusyboxRootfsAsync();
        await process.StandardInput.BaseStream.WriteAsync(tar.AsMemory(0, tar.Length / 2));
        await process.StandardInput.BaseStream.FlushAsync();

        var temp = Path.Combine(root.Path, "tmp");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Directory.EnumerateFiles(temp, "ingest-*").Any(f => new FileInfo(f).Length > 0))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the import should have started writing");
            await Task.Delay(20);
        }

        process.Kill(); // SIGKILL: no cleanup code runs
        await process.WaitForExitAsync();
        Directory.EnumerateFiles(temp, "ingest-*").Should().NotBeEmpty("the killed process left its half-written blob");

        await using var after = ContainerEngine.Create(new ContainersOptions { Root = root.Path });

        Directory.EnumerateFiles(temp).Should().BeEmpty();
        StoreSnapshot.Take(root.Path).Should().BeEquivalentTo(snapshot);
        (await after.Images.ListAsync()).Should().BeEmpty();
    }
}
