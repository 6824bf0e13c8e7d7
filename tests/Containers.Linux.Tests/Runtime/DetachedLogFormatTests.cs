using Containers.Containers;

namespace Containers.Linux.Tests.Runtime;

/// <summary>
/// The monitor (C, detached containers) and <see cref="ContainerLogWriter"/> (C#, attached ones) write the same JSON-lines
/// log format: the same output read back through the engine's log reader gives the same entries.
/// </summary>
public sealed class DetachedLogFormatTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    // Quotes, backslashes, a tab, control characters, multi-byte UTF-8, stderr, and a last line without a newline.
    private static readonly string[] Command =
    [
        "sh", "-c",
        @"printf 'quote "" backslash \\ tab \t bell \001 esc \033 e-acute \303\251 whale \360\237\220\263\n'; " +
        @"printf 'to stderr \\n literal\n' >&2; sleep 0.3; printf 'second\nthird '; sleep 0.3; printf 'partial line without newline'",
    ];

    [Fact]
    public async Task A_detached_containers_log_reads_back_as_the_attached_writer_writes_it()
    {
        var attached = await fixture.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = Command });
        (await fixture.Containers.WaitAsync(attached.Id)).Should().Be(0);
        var detached = await fixture.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = Command, Detached = true });
        (await fixture.Containers.WaitAsync(detached.Id)).Should().Be(0);

        var expected = await EntriesAsync(attached.Id);
        var actual = await EntriesAsync(detached.Id);

        expected.Should().Contain((LogStream.Stdout, "quote \" backslash \\ tab \t bell \u0001 esc \u001b e-acute \u00e9 whale \U0001F433\n"));
        expected.Should().Contain((LogStream.Stderr, "to stderr \\n literal\n"));
        Text(expected, LogStream.Stdout).Should().EndWith("second\nthird partial line without newline");
        // How output is cut into entries depends on when it arrives; what each stream says must be the same.
        Text(actual, LogStream.Stdout).Should().Be(Text(expected, LogStream.Stdout));
        Text(actual, LogStream.Stderr).Should().Be(Text(expected, LogStream.Stderr));
        await fixture.Containers.RemoveAsync(attached.Id);
        await fixture.Containers.RemoveAsync(detached.Id);
    }

    private static string Text(List<(LogStream Stream, string Text)> entries, LogStream stream) =>
        string.Concat(entries.Where(e => e.Stream == stream).Select(e => e.Text));

    private async Task<List<(LogStream Stream, string Text)>> EntriesAsync(string id)
    {
        var entries = new List<(LogStream, string)>();
        await foreach (var entry in fixture.Containers.LogsAsync(id))
        {
            entries.Add((entry.Stream, entry.Text));
        }

        return entries;
    }
}
