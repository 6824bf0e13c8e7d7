using System.Globalization;
using System.IO.Pipes;
using System.Text;
using Containers.Containers;
using Containers.Testing;
using Microsoft.Win32.SafeHandles;

namespace Containers.Core.Tests.Containers;

/// <summary>The json-file log: rotation by size and count, a tail read from the end, and following across rotations.</summary>
public sealed class LogRotationTests
{
    private static async Task WriteLinesAsync(ContainerLogWriter writer, int count, int perBatch = 0)
    {
        using var server = new AnonymousPipeServerStream(PipeDirection.Out);
        using var client = new AnonymousPipeClientStream(PipeDirection.In, server.ClientSafePipeHandle);
        var pump = writer.PumpAsync(client, LogStream.Stdout);
        for (var i = 1; i <= count; i++)
        {
            var line = Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture) + "\n");
            await server.WriteAsync(line);
            if (perBatch > 0 && i % perBatch == 0)
            {
                await Task.Delay(2);
            }
        }

        server.Dispose();
        await pump;
    }

    private static async Task<List<int>> ReadAllAsync(string path, LogOptions? options = null, Func<Task<bool>>? isRunning = null)
    {
        var numbers = new List<int>();
        await foreach (var entry in ContainerLogReader.ReadAsync(path, options ?? new LogOptions(), isRunning ?? (() => Task.FromResult(false)), null, CancellationToken.None))
        {
            numbers.Add(int.Parse(entry.Text.Trim(), CultureInfo.InvariantCulture));
        }

        return numbers;
    }

    [Fact]
    public async Task The_writer_rotates_by_size_and_keeps_at_most_max_file_files()
    {
        using var directory = new TempDirectory("log-rotate");
        var path = directory.Combine("ctr.log");
        var writer = new ContainerLogWriter(path, LogRotation.Parse(new Dictionary<string, string> { ["max-size"] = "4k", ["max-file"] = "3" }));
        await WriteLinesAsync(writer, 2000);
        await writer.DisposeAsync();

        LogRotation.ExistingFiles(path).Should().Equal(path + ".2", path + ".1", path);
        File.Exists(path + ".3").Should().BeFalse();
        LogRotation.ExistingFiles(path).Should().AllSatisfy(f => new FileInfo(f).Length.Should().BeLessThanOrEqualTo(4096));
        var kept = await ReadAllAsync(path);
        kept.Should().NotBeEmpty().And.BeInAscendingOrder();
        kept[^1].Should().Be(2000);
        kept.Should().Equal(Enumerable.Range(kept[0], kept.Count), "what is kept is contiguous: no line lost or repeated");
        kept.Count.Should().BeLessThan(2000, "the oldest lines were rotated away");
    }

    [Fact]
    public async Task Options_are_parsed_as_docker_does_and_nonsense_is_refused()
    {
        LogRotation.Parse(new Dictionary<string, string>()).Should().Be(LogRotation.Default);
        LogRotation.Parse(new Dictionary<string, string> { ["max-size"] = "10m", ["max-file"] = "2" }).Should().Be(new LogRotation(10L * 1024 * 1024, 2));
        LogRotation.Parse(new Dictionary<string, string> { ["max-size"] = "-1" }).Should().Be(new LogRotation(0, 1));
        foreach (var (key, value) in new[] { ("max-size", "ten"), ("max-size", "0"), ("max-file", "0"), ("max-file", "x"), ("mode", "non-blocking") })
        {
            var parse = () => LogRotation.Parse(new Dictionary<string, string> { [key] = value });
            parse.Should().Throw<InvalidContainerConfigurationException>().WithMessage($"*{key}*");
        }

        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_tail_of_a_big_log_reads_only_its_end()
    {
        using var directory = new TempDirectory("log-tail");
        var path = directory.Combine("ctr.log");
        const int lines = 1_000_000; // about 80 MB
        await using (var file = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 20))
        {
            var time = DateTimeOffset.UnixEpoch.ToString("O", CultureInfo.InvariantCulture);
            for (var i = 1; i <= lines; i++)
            {
                await file.WriteAsync($"{{\"log\":\"{i}\\n\",\"stream\":\"stdout\",\"time\":\"{time}\"}}\n");
            }

            await file.WriteAsync("{\"log\":\"partial"); // a line the writer has not finished
        }

        new FileInfo(path).Length.Should().BeGreaterThan(64L * 1024 * 1024);
        using SafeFileHandle handle = File.OpenHandle(path);
        var (entries, end, bytesRead) = LogFileScanner.ReadTail([handle], 2, new LogOptions());
        entries.Select(e => e.Text).Should().Equal($"{lines - 1}\n", $"{lines}\n");
        bytesRead.Should().BeLessThan(256 * 1024, "the tail reads backwards from the end, not the whole file");
        end.Should().Be(new FileInfo(path).Length - "{\"log\":\"partial".Length, "following resumes after the last complete line");

        (await ReadAllAsync(path, new LogOptions { Tail = 3 })).Should().Equal(lines - 2, lines - 1, lines);
        (await ReadAllAsync(path, new LogOptions { Tail = 0 })).Should().BeEmpty();
    }

    [Fact]
    public async Task A_tail_spans_rotated_files_and_keeps_the_order()
    {
        using var directory = new TempDirectory("log-tail-rotated");
        var path = directory.Combine("ctr.log");
        var writer = new ContainerLogWriter(path, new LogRotation(2048, 4));
        await WriteLinesAsync(writer, 500);
        await writer.DisposeAsync();

        var all = await ReadAllAsync(path);
        var tail = await ReadAllAsync(path, new LogOptions { Tail = all.Count - 3 });
        tail.Should().Equal(all.Skip(3), "a tail longer than the current file continues into the rotated ones");
        (await ReadAllAsync(path, new LogOptions { Tail = 100_000 })).Should().Equal(all);
    }

    [Fact]
    public async Task Following_across_rotations_loses_and_repeats_nothing_that_is_kept()
    {
        using var directory = new TempDirectory("log-follow");
        var path = directory.Combine("ctr.log");
        var writer = new ContainerLogWriter(path, new LogRotation(16 * 1024, 3));
        await WriteLinesAsync(writer, 1); // the follower starts on an existing file
        var done = false;
        var follower = ReadAllAsync(path, new LogOptions { Follow = true }, () => Task.FromResult(!Volatile.Read(ref done)));
        await WriteLinesAsync(writer, 20_000, perBatch: 20);
        Volatile.Write(ref done, true);
        await writer.DisposeAsync();
        var seen = await follower.WaitAsync(TimeSpan.FromMinutes(2));

        // The writer restarts its numbering at 1 for the second batch; the first batch was a single "1".
        seen[0].Should().Be(1);
        var followed = seen.Skip(1).ToList();
        followed.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems("nothing is repeated");
        followed[^1].Should().Be(20_000);
        var kept = await ReadAllAsync(path);
        followed.Should().ContainInOrder(kept, "every line still kept was followed");
        followed.Count.Should().BeGreaterThan(kept.Count, "the follower saw lines since rotated away");
    }
}
