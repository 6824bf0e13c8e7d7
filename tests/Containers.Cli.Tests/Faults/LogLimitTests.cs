using System.Globalization;
using Containers.Testing;

namespace Containers.Cli.Tests.Faults;

/// <summary>--log-opt max-size/max-file bound a container's log, for attached containers (the engine writes the log) and detached ones (the monitor does).</summary>
public sealed class LogLimitTests : IAsyncLifetime
{
    private readonly TempDirectory _root = new("cli-logs");

    public async Task InitializeAsync()
    {
        var rootfs = _root.Combine("rootfs.tar");
        await File.WriteAllBytesAsync(rootfs, await TestImages.BusyboxRootfsAsync());
        (await CliRunner.RunAsync(_root.Path, "import", "--change", "CMD [\"/bin/sh\"]", rootfs, "busybox:latest")).ExitCode.Should().Be(0);
        File.Delete(rootfs);
    }

    public Task DisposeAsync() => CliRunner.DeleteRootAsync(_root);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_chatty_container_keeps_only_max_file_files_of_max_size_and_logs_shows_the_contiguous_end(bool detached)
    {
        var name = detached ? "chatty-detached" : "chatty-attached";
        string[] run = ["run", "--name", name, "--log-opt", "max-size=16k", "--log-opt", "max-file=2", "busybox", "seq", "1", "5000"];
        if (detached)
        {
            (await CliRunner.RunAsync(_root.Path, ["run", "-d", .. run[1..]])).ExitCode.Should().Be(0);
            (await CliRunner.RunAsync(_root.Path, "wait", name)).Stdout.Trim().Should().Be("0");
        }
        else
        {
            (await CliRunner.RunAsync(_root.Path, run)).ExitCode.Should().Be(0);
        }

        var directory = Directory.GetDirectories(Path.Combine(_root.Path, "containers"))
            .Single(d => File.ReadAllText(Path.Combine(d, "container.json")).Contains($"\"{name}\"", StringComparison.Ordinal));
        var log = Path.Combine(directory, "ctr.log");
        File.Exists(log + ".1").Should().BeTrue("the log rotated");
        File.Exists(log + ".2").Should().BeFalse("max-file=2 keeps the current file and one more");
        new FileInfo(log).Length.Should().BeLessThanOrEqualTo(16 * 1024);
        new FileInfo(log + ".1").Length.Should().BeLessThanOrEqualTo(16 * 1024);

        var numbers = (await CliRunner.RunAsync(_root.Path, "logs", name)).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToList();
        numbers[^1].Should().Be(5000);
        numbers.Should().Equal(Enumerable.Range(numbers[0], numbers.Count), "the kept lines are contiguous");
        (await CliRunner.RunAsync(_root.Path, "logs", "--tail", "2", name)).Stdout.Should().Be("4999\n5000\n");
        (await CliRunner.RunAsync(_root.Path, "rm", name)).ExitCode.Should().Be(0);
    }

    [Fact]
    public async Task Logs_follow_a_detached_container_across_rotations_without_repeating_a_line()
    {
        (await CliRunner.RunAsync(_root.Path, "run", "-d", "--name", "rotating", "--log-opt", "max-size=8k", "--log-opt", "max-file=3", "busybox", "sh", "-c", "sleep 1; i=0; while [ $i -lt 3000 ]; do i=$((i+1)); echo $i; [ $((i % 50)) -eq 0 ] && sleep 0.05; done")).ExitCode.Should().Be(0);
        var follow = await CliRunner.RunAsync(_root.Path, "logs", "-f", "rotating");
        follow.ExitCode.Should().Be(0, follow.Stderr);
        var numbers = follow.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToList();
        numbers.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        numbers[^1].Should().Be(3000);
        numbers.Count.Should().BeGreaterThan(1000, "far more than the three 8 KB files hold");
        (await CliRunner.RunAsync(_root.Path, "rm", "rotating")).ExitCode.Should().Be(0);
    }
}
