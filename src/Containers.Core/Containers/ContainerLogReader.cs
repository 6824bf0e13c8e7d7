using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace Containers.Containers;

/// <summary>
/// Reads a container's log files (rotated ones first), filtering by time, stream and tail, and following the current
/// file while the container runs, on to the next file when the writer rotates it.
/// </summary>
/// <remarks>
/// Every file is opened before reading, so a rotation meanwhile cannot take one away; a tail reads backwards from the
/// end, so its cost follows the tail, not the log. A follower holds its file open across a rotation, reads it to its
/// end, then continues with the file that came after it (the oldest kept one, if that was rotated away too).
/// </remarks>
internal static class ContainerLogReader
{
    private static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(25);

    /// <param name="path">The current log file; rotated ones are <c>path.1</c> (newest) to <c>path.N</c>.</param>
    /// <param name="options">What to return.</param>
    /// <param name="isRunning">Tells whether more lines may come; checked after reaching the end of the file.</param>
    /// <param name="outputEnded">Completes once no more output can come (a container this process runs), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops following.</param>
    public static async IAsyncEnumerable<LogEntry> ReadAsync(string path, LogOptions options, Func<Task<bool>> isRunning, Task? outputEnded, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var files = OpenAll(path);
        if (files.Count == 0)
        {
            yield break;
        }

        try
        {
            long position = 0;
            var batch = new List<LogEntry>();
            if (options.Tail is { } tail)
            {
                (batch, position, _) = LogFileScanner.ReadTail(files, Math.Max(0, tail), options);
                foreach (var entry in batch)
                {
                    yield return entry;
                }
            }
            else
            {
                for (var i = 0; i < files.Count; i++)
                {
                    position = 0;
                    while (LogFileScanner.ReadForward(files[i], ref position, options, batch))
                    {
                        foreach (var entry in batch)
                        {
                            yield return entry;
                        }

                        batch.Clear();
                    }
                }
            }

            if (!options.Follow)
            {
                yield break;
            }

            var current = files[^1];
            while (!cancellationToken.IsCancellationRequested)
            {
                // Asked before reading: output written before the answer is read below, whatever it is.
                var running = outputEnded is not { IsCompleted: true } && await isRunning().ConfigureAwait(false);
                while (LogFileScanner.ReadForward(current, ref position, options, batch))
                {
                    foreach (var entry in batch)
                    {
                        yield return entry;
                    }

                    batch.Clear();
                }

                if (Successor(path, current) is { } next)
                {
                    files.Add(next);
                    current = next;
                    position = 0;
                    continue;
                }

                if (!running)
                {
                    yield break;
                }

                if (outputEnded is null)
                {
                    await Task.Delay(FollowInterval, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // Woken by the end of the output too: a short-lived container's run returns without a poll's delay.
                    await Task.WhenAny(Task.Delay(FollowInterval, cancellationToken), outputEnded).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }
        finally
        {
            foreach (var file in files)
            {
                file.Dispose();
            }
        }
    }

    private static List<SafeFileHandle> OpenAll(string path)
    {
        var handles = new List<SafeFileHandle>();
        foreach (var file in LogRotation.ExistingFiles(path))
        {
            if (TryOpen(file) is { } handle)
            {
                handles.Add(handle);
            }
        }

        return handles;
    }

    private static SafeFileHandle? TryOpen(string file)
    {
        try
        {
            return File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null; // rotated away between listing and opening
        }
    }

    /// <summary>
    /// Returns the file written after <paramref name="current"/> once the writer rotated it away (null while it is still
    /// the current file): the next one in age, or the oldest kept one when <paramref name="current"/> is no longer kept.
    /// </summary>
    private static SafeFileHandle? Successor(string path, SafeFileHandle current)
    {
        var mine = LogFileScanner.FirstLine(current);
        using (var now = TryOpen(path))
        {
            if (now is null || LogFileScanner.FirstLine(now).AsSpan().SequenceEqual(mine))
            {
                return null;
            }
        }

        var files = LogRotation.ExistingFiles(path);
        var index = files.ToList().FindIndex(f => TryOpen(f) is { } h && Same(h, mine));
        var next = index >= 0 && index + 1 < files.Count ? files[index + 1] : files.Count > 0 && index < 0 ? files[0] : null;
        return next is null ? null : TryOpen(next);
    }

    private static bool Same(SafeFileHandle handle, byte[] firstLine)
    {
        using (handle)
        {
            return LogFileScanner.FirstLine(handle).AsSpan().SequenceEqual(firstLine);
        }
    }
}
