using Containers.Testing;

namespace Containers.Cli.Tests.Faults;

/// <summary>
/// Image content, layer unpacks and container logs on a full disk: each failure is a StorageFullException that names
/// the path and the operation, nothing half-written stays, and the same command works once space is freed. Each test
/// has its own 50 MB tmpfs.
/// </summary>
public sealed class FullDiskWriteTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    private static void Fill(string path)
    {
        using var fill = new FileStream(path, FileMode.Create);
        var block = new byte[64 * 1024];
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
            // full
        }
    }

    private static IEnumerable<string> HalfDone(string root)
    {
        var temp = Path.Combine(root, "tmp");
        var staging = Path.Combine(root, "storage", "overlay", "staging");
        var layers = Path.Combine(root, "storage", "overlay", "layers");
        return (Directory.Exists(temp) ? Directory.EnumerateFiles(temp, "ingest-*") : [])
            .Concat(Directory.Exists(staging) ? Directory.EnumerateFileSystemEntries(staging) : [])
            .Concat(Directory.Exists(layers) ? Directory.EnumerateDirectories(layers).Where(d => !File.Exists(Path.Combine(d, "committed"))) : []);
    }

    [Fact]
    public async Task Import_onto_a_full_disk_names_the_blob_it_was_writing_and_keeps_nothing_of_it()
    {
        using var files = new TempDirectory("fulldisk-files");
        var rootfs = files.Combine("busybox.tar");
        await File.WriteAllBytesAsync(rootfs, await TestImages.BusyboxRootfsAsync());
        using var root = new TmpfsRoot("fulldisk-import", 50);
        try
        {
            (await CliRunner.RunAsync(root.Path, "ps", "-a")).ExitCode.Should().Be(0); // lays the store out first (an engine start: images reads without one)
            Fill(Path.Combine(root.Path, "fill"));
            var import = await CliRunner.RunAsync(root.Path, "import", rootfs, "busybox:latest").WaitAsync(Bound);
            import.ExitCode.Should().NotBe(0);
            import.Stderr.Should().Contain("No space left on device while writing image content").And.Contain(Path.Combine(root.Path, "tmp"));
            HalfDone(root.Path).Should().BeEmpty();
            (await CliRunner.RunAsync(root.Path, "images", "-q")).Stdout.Should().BeEmpty();

            File.Delete(Path.Combine(root.Path, "fill"));
            (await CliRunner.RunAsync(root.Path, "import", rootfs, "busybox:latest")).ExitCode.Should().Be(0);
        }
        finally
        {
            await CliRunner.RunAsync(root.Path, "system", "reset", "--force");
        }
    }

    [Fact]
    public async Task Unpacking_layers_onto_a_full_disk_names_the_image_and_leaves_no_staged_or_uncommitted_layer()
    {
        using var files = new TempDirectory("fulldisk-files");
        var rootfs = files.Combine("busybox.tar");
        await File.WriteAllBytesAsync(rootfs, await TestImages.BusyboxRootfsAsync());
        using var root = new TmpfsRoot("fulldisk-unpack", 50);
        try
        {
            (await CliRunner.RunAsync(root.Path, "import", rootfs, "busybox:latest")).ExitCode.Should().Be(0);
            Fill(Path.Combine(root.Path, "fill"));
            var mount = await CliRunner.RunAsync(root.Path, "image", "mount", "busybox").WaitAsync(Bound);
            mount.ExitCode.Should().NotBe(0);
            mount.Stderr.Should().Contain("No space left on device while unpacking the layers of image").And.Contain(root.Path);
            HalfDone(root.Path).Should().BeEmpty();

            File.Delete(Path.Combine(root.Path, "fill"));
            var again = await CliRunner.RunAsync(root.Path, "image", "mount", "busybox");
            again.ExitCode.Should().Be(0, again.Stderr);
            File.Exists(Path.Combine(again.Stdout.Trim(), "bin", "busybox")).Should().BeTrue();
            (await CliRunner.RunAsync(root.Path, "image", "unmount", "busybox")).ExitCode.Should().Be(0);
        }
        finally
        {
            await CliRunner.RunAsync(root.Path, "system", "reset", "--force");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Log_lines_lost_to_a_full_disk_are_named_in_the_log_once_lines_fit_again(bool detached)
    {
        using var files = new TempDirectory("fulldisk-files");
        var rootfs = files.Combine("busybox.tar");
        await File.WriteAllBytesAsync(rootfs, await TestImages.BusyboxRootfsAsync());
        using var root = new TmpfsRoot("fulldisk-logs", 50);
        try
        {
            (await CliRunner.RunAsync(root.Path, "import", rootfs, "busybox:latest")).ExitCode.Should().Be(0);
            // Lines that still fit in the log's last page are written; the rest are counted, and the counts add up.
            // The container writes lines until the test gives the space back. It signals (through a bind mount on
            // another file system) once it has written more lines than a pipe holds: by then the engine has read, and
            // met the full disk with, some of them, however slowly it runs.
            const string Script = "echo before; dd if=/dev/zero of=/fill bs=1M 2>/dev/null; i=0; "
                + "while [ ! -e /signal/go ]; do echo \"during $i $(printf '%0100d' 0)\"; i=$((i+1)); [ $i = 700 ] && touch /signal/past; done; "
                + "echo $i > /signal/total; rm /fill; echo after";
            Directory.CreateDirectory(files.Combine("signal"));
            string[] runArgs = ["--network", "none", "--name", "talker", "-v", files.Combine("signal") + ":/signal", "busybox", "sh", "-c", Script];
            var run = CliRunner.RunProcessAsync(root.Path, ["run", .. detached ? ["-d"] : Array.Empty<string>(), .. runArgs]);
            await Eventually.UntilAsync(() => Task.FromResult(File.Exists(files.Combine("signal", "past")) || (!detached && run.IsCompleted)), "the container wrote more lines than a pipe holds", Bound);
            await File.WriteAllTextAsync(files.Combine("signal", "go"), string.Empty);
            var ran = await run.WaitAsync(Bound);
            ran.ExitCode.Should().Be(0, ran.Stderr);
            if (detached)
            {
                (await CliRunner.RunProcessAsync(root.Path, "wait", "talker").WaitAsync(Bound)).Stdout.Trim().Should().Be("0");
            }

            var total = int.Parse(File.ReadAllText(files.Combine("signal", "total")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            var logs = await CliRunner.RunAsync(root.Path, "logs", "talker");
            logs.ExitCode.Should().Be(0, logs.Stderr);
            var text = logs.Stdout + logs.Stderr;
            text.Should().Contain("before\n").And.Contain("after\n");
            var notice = System.Text.RegularExpressions.Regex.Match(text, @"containers: (\d+) log line\(s\) dropped: no space left on device while writing " + System.Text.RegularExpressions.Regex.Escape(root.Path) + @"\S*container\S*");
            notice.Success.Should().BeTrue(text[^Math.Min(text.Length, 2000)..]);
            var written = text.Split('\n').Count(l => l.StartsWith("during ", StringComparison.Ordinal));
            (written + int.Parse(notice.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Should().Be(total, "every line is either in the log or counted as dropped");
        }
        finally
        {
            await CliRunner.RunAsync(root.Path, "system", "reset", "--force");
        }
    }
}
