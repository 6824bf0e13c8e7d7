using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Containers.Internal;

namespace Containers.Containers;

/// <summary>Reads a container's log file, filtering by time, stream and tail, and following it while the container runs.</summary>
internal static class ContainerLogReader
{
    private static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(25);

    /// <param name="path">The log file.</param>
    /// <param name="options">What to return.</param>
    /// <param name="isRunning">Tells whether more lines may come; checked after reaching the end of the file.</param>
    /// <param name="cancellationToken">Stops following.</param>
    public static async IAsyncEnumerable<LogEntry> ReadAsync(string path, LogOptions options, Func<Task<bool>> isRunning, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            yield break;
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        await using (stream.ConfigureAwait(false))
        {
            var buffered = new List<LogEntry>();
            var partial = new StringBuilder();
            using var reader = new StreamReader(stream, Encoding.UTF8);

            // The existing content first, so --tail can count from its end.
            await foreach (var entry in ReadAvailableAsync(reader, partial, options, cancellationToken).ConfigureAwait(false))
            {
                buffered.Add(entry);
            }

            foreach (var entry in options.Tail is { } tail ? buffered.TakeLast(Math.Max(0, tail)) : buffered)
            {
                yield return entry;
            }

            if (!options.Follow)
            {
                yield break;
            }

            while (!cancellationToken.IsCancellationRequested)
            {
                var running = await isRunning().ConfigureAwait(false);
                await foreach (var entry in ReadAvailableAsync(reader, partial, options, cancellationToken).ConfigureAwait(false))
                {
                    yield return entry;
                }

                if (!running)
                {
                    yield break;
                }

                await Task.Delay(FollowInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async IAsyncEnumerable<LogEntry> ReadAvailableAsync(StreamReader reader, StringBuilder partial, LogOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            // A line the writer has not finished ends without a newline; ReadLine cannot tell, so check that it parses.
            partial.Append(line);
            LogLine? parsed;
            try
            {
                parsed = JsonSerializer.Deserialize(partial.ToString(), StateJsonContext.Default.LogLine);
            }
            catch (JsonException)
            {
                continue;
            }

            partial.Clear();
            if (parsed is null)
            {
                continue;
            }

            var kind = parsed.Stream == "stderr" ? LogStream.Stderr : LogStream.Stdout;
            if ((kind == LogStream.Stdout && !options.Stdout) || (kind == LogStream.Stderr && !options.Stderr)
                || (options.Since is { } since && parsed.Time < since) || (options.Until is { } until && parsed.Time > until))
            {
                continue;
            }

            yield return new LogEntry(kind, parsed.Time, parsed.Log);
        }
    }
}
