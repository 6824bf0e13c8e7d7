using System.Text;
using System.Text.Json;
using Containers.Internal;

namespace Containers.Containers;

/// <summary>
/// Copies a container's stdout and stderr into its log file as JSON lines, in the order the lines arrive,
/// so other processes can read and follow them.
/// </summary>
/// <remarks>
/// The file rotates by <see cref="LogRotation"/> as the native monitor's does. A line that does not fit on a full disk
/// is dropped: the container's output keeps being drained, so the container never blocks on a full pipe. Once lines fit
/// again, a line on stderr says how many were dropped and why, so a reader of the log sees the gap named.
/// </remarks>
internal sealed class ContainerLogWriter : IAsyncDisposable
{
    private readonly string _path;
    private readonly LogRotation _rotation;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private FileStream _file;
    private long _unreported; // lines dropped since the last notice in the log

    public ContainerLogWriter(string path, LogRotation? rotation = null)
    {
        _path = path;
        _rotation = rotation ?? LogRotation.Default;
        _file = Open(path);
    }

    /// <summary>Gets how many lines were dropped because the disk was full.</summary>
    public long DroppedLines { get; private set; }


    /// <summary>Gets why the last line was dropped, naming the log file, or null while every line fits.</summary>
    public StorageFullException? Full { get; private set; }

    private static FileStream Open(string path) =>
        new(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous);

    /// <summary>Reads <paramref name="source"/> to its end, writing each line as an entry.</summary>
    public async Task PumpAsync(Stream source, LogStream stream)
    {
        var name = stream == LogStream.Stdout ? "stdout" : "stderr";
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[16 * 1024];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        var pending = new StringBuilder();
        int read;
        try
        {
            while ((read = await source.ReadAsync(bytes).ConfigureAwait(false)) > 0)
            {
                var count = decoder.GetChars(bytes, 0, read, chars, 0);
                pending.Append(chars, 0, count);
                await WriteCompleteLinesAsync(pending, name).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // The pipe broke: the container is gone; keep what was read.
        }

        if (pending.Length > 0)
        {
            await WriteAsync(pending.ToString(), name).ConfigureAwait(false);
        }
    }

    private async Task WriteCompleteLinesAsync(StringBuilder pending, string stream)
    {
        int newline;
        while ((newline = IndexOf(pending, '\n')) >= 0)
        {
            var line = pending.ToString(0, newline + 1);
            pending.Remove(0, newline + 1);
            await WriteAsync(line, stream).ConfigureAwait(false);
        }

        // Keep memory bounded for output without newlines: flush long partial lines as they are.
        if (pending.Length > 16 * 1024)
        {
            await WriteAsync(pending.ToString(), stream).ConfigureAwait(false);
            pending.Clear();
        }
    }

    private async Task WriteAsync(string text, string stream)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            // Stamped under the lock, so the file's order and its timestamps agree.
            try
            {
                if (_unreported > 0)
                {
                    await AppendAsync($"containers: {_unreported} log line(s) dropped: no space left on device while writing {_path}\n", "stderr").ConfigureAwait(false);
                    _unreported = 0;
                    Full = null;
                }

                await AppendAsync(text, stream).ConfigureAwait(false);
            }
            catch (IOException e) when (StorageFullException.IsDiskFull(e))
            {
                DroppedLines++;
                _unreported++;
                Full ??= new StorageFullException(_path, "writing the container's log", e);
            }
            catch (IOException)
            {
                // A rotation that failed half-way (a rename refused): keep writing the file that is open.
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task AppendAsync(string text, string stream)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new LogLine { Log = text, Stream = stream, Time = DateTimeOffset.UtcNow }, StateJsonContext.Default.LogLine);
        var line = json.Append((byte)'\n').ToArray();
        await RotateIfFullAsync(line.Length).ConfigureAwait(false);
        var before = _file.Length;
        try
        {
            await _file.WriteAsync(line).ConfigureAwait(false);
            await _file.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException e) when (StorageFullException.IsDiskFull(e))
        {
            // The unbuffered write may have put part of the line in the file: cut it off, so the file stays JSON lines.
            try
            {
                _file.SetLength(before);
            }
            catch (IOException)
            {
                // Truncating needs no space; should it fail all the same, the reader skips a torn last line.
            }

            throw;
        }
    }

    /// <summary>Starts a new file when the next line would take the current one past the maximum size.</summary>
    private async Task RotateIfFullAsync(int incoming)
    {
        var size = _file.Length;
        if (_rotation.MaxSize <= 0 || size == 0 || size + incoming <= _rotation.MaxSize)
        {
            return;
        }

        // Renamed, never truncated: a reader following the old file keeps its descriptor and reads it to the end.
        if (_rotation.MaxFiles <= 1)
        {
            File.Delete(_path);
        }
        else
        {
            File.Delete(Numbered(_rotation.MaxFiles - 1));
            for (var i = _rotation.MaxFiles - 2; i >= 1; i--)
            {
                if (File.Exists(Numbered(i)))
                {
                    File.Move(Numbered(i), Numbered(i + 1), overwrite: true);
                }
            }

            File.Move(_path, Numbered(1), overwrite: true);
        }

        var next = Open(_path);
        await _file.DisposeAsync().ConfigureAwait(false);
        _file = next;
    }

    private string Numbered(int i) => _path + "." + i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static int IndexOf(StringBuilder builder, char c)
    {
        for (var i = 0; i < builder.Length; i++)
        {
            if (builder[i] == c)
            {
                return i;
            }
        }

        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}
