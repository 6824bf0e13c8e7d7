using System.Buffers;
using System.Text.Json;
using Containers.Internal;
using Microsoft.Win32.SafeHandles;

namespace Containers.Containers;

/// <summary>
/// Reads JSON log lines from an open log file by offset, forwards in bounded chunks or backwards from the end, so a
/// tail of a huge log reads only as much of it as the tail spans.
/// </summary>
internal static class LogFileScanner
{
    // Chunks come from the shared pool: a follower (an attached run, logs -f) reads on every poll, and a fresh 64 KiB
    // array each time was most of its allocation, zeroed by the GC and faulted in page by page.
    private const int ChunkSize = 64 * 1024;

    /// <summary>
    /// Reads the complete lines after <paramref name="position"/>, up to about one chunk's worth, and moves the position
    /// past them; a line the writer has not finished stays for the next call. Returns whether the position moved.
    /// </summary>
    public static bool ReadForward(SafeFileHandle file, ref long position, LogOptions options, List<LogEntry> into)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            return ReadForward(file, ref position, options, into, ref buffer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool ReadForward(SafeFileHandle file, ref long position, LogOptions options, List<LogEntry> into, ref byte[] buffer)
    {
        var filled = 0;
        while (true)
        {
            var read = RandomAccess.Read(file, buffer.AsSpan(filled), position + filled);
            filled += read;
            var last = buffer.AsSpan(0, filled).LastIndexOf((byte)'\n');
            if (last >= 0)
            {
                var lines = buffer.AsSpan(0, last + 1);
                for (var start = 0; start <= last;)
                {
                    var newline = lines[start..].IndexOf((byte)'\n');
                    if (newline > 0)
                    {
                        Add(lines.Slice(start, newline), options, into);
                    }

                    start += newline + 1;
                }

                position += last + 1;
                return true;
            }

            if (read == 0)
            {
                return false; // nothing complete yet
            }

            if (filled == buffer.Length)
            {
                // A line longer than a chunk.
                var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, filled).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }
        }
    }

    /// <summary>
    /// Collects up to <paramref name="count"/> entries from the end of <paramref name="files"/> (oldest first), reading
    /// backwards chunk by chunk; returns them oldest first, the offset in the last file just past its last complete line,
    /// and how many bytes it read.
    /// </summary>
    public static (List<LogEntry> Entries, long End, long BytesRead) ReadTail(IReadOnlyList<SafeFileHandle> files, int count, LogOptions options)
    {
        var newestFirst = new List<LogEntry>();
        long bytesRead = 0;
        long end = 0;
        for (var f = files.Count - 1; f >= 0; f--)
        {
            var length = RandomAccess.GetLength(files[f]);
            var limit = f == files.Count - 1 ? LastNewline(files[f], length, ref bytesRead) : length;
            if (f == files.Count - 1)
            {
                end = limit;
            }

            if (count > 0 && ScanBackward(files[f], limit, count, options, newestFirst, ref bytesRead))
            {
                break;
            }
        }

        newestFirst.Reverse();
        return (newestFirst, end, bytesRead);
    }

    /// <summary>Returns the first line of a file (its identity: every line carries a 100 ns timestamp, and files are never rewritten).</summary>
    public static byte[] FirstLine(SafeFileHandle file)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var read = RandomAccess.Read(file, buffer.AsSpan(0, ChunkSize), 0);
            var newline = buffer.AsSpan(0, read).IndexOf((byte)'\n');
            return newline < 0 ? [] : buffer.AsSpan(0, newline).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Returns the offset just past the file's last newline: a last line without one is still being written.</summary>
    private static long LastNewline(SafeFileHandle file, long length, ref long bytesRead)
    {
        var buffer = new byte[ChunkSize];
        for (var position = length; position > 0;)
        {
            var start = Math.Max(0, position - ChunkSize);
            var read = RandomAccess.Read(file, buffer.AsSpan(0, (int)(position - start)), start);
            bytesRead += read;
            var newline = buffer.AsSpan(0, read).LastIndexOf((byte)'\n');
            if (newline >= 0)
            {
                return start + newline + 1;
            }

            position = start;
        }

        return 0;
    }

    /// <summary>Adds entries newest first from the lines before <paramref name="limit"/>; returns true once it has <paramref name="count"/>.</summary>
    private static bool ScanBackward(SafeFileHandle file, long limit, int count, LogOptions options, List<LogEntry> newestFirst, ref long bytesRead)
    {
        var buffer = new byte[ChunkSize];
        var pending = Array.Empty<byte>(); // the end of a line whose start lies in an earlier chunk
        for (var position = limit; position > 0;)
        {
            var start = Math.Max(0, position - ChunkSize);
            var read = RandomAccess.Read(file, buffer.AsSpan(0, (int)(position - start)), start);
            bytesRead += read;
            var segmentEnd = read;
            for (var i = read - 1; i >= 0; i--)
            {
                if (buffer[i] != (byte)'\n')
                {
                    continue;
                }

                if (AddLine(buffer.AsSpan(i + 1, segmentEnd - i - 1), pending, options, newestFirst) && newestFirst.Count >= count)
                {
                    return true;
                }

                pending = [];
                segmentEnd = i;
            }

            pending = [.. buffer.AsSpan(0, segmentEnd), .. pending];
            position = start;
        }

        return AddLine([], pending, options, newestFirst) && newestFirst.Count >= count;
    }

    private static bool AddLine(ReadOnlySpan<byte> head, byte[] tail, LogOptions options, List<LogEntry> into)
    {
        if (head.Length + tail.Length == 0)
        {
            return false;
        }

        var before = into.Count;
        Add(tail.Length == 0 ? head : [.. head, .. tail], options, into);
        return into.Count > before;
    }

    private static void Add(ReadOnlySpan<byte> line, LogOptions options, List<LogEntry> into)
    {
        LogLine? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(line, StateJsonContext.Default.LogLine);
        }
        catch (JsonException)
        {
            return; // torn by a crash mid-write
        }

        if (parsed is null)
        {
            return;
        }

        var kind = parsed.Stream == "stderr" ? LogStream.Stderr : LogStream.Stdout;
        if ((kind == LogStream.Stdout && !options.Stdout) || (kind == LogStream.Stderr && !options.Stderr)
            || (options.Since is { } since && parsed.Time < since) || (options.Until is { } until && parsed.Time > until))
        {
            return;
        }

        into.Add(new LogEntry(kind, parsed.Time, parsed.Log));
    }
}
