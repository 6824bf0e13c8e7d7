using System.Text;
using System.Text.Json;
using Containers.Internal;

namespace Containers.Containers;

/// <summary>
/// Copies a container's stdout and stderr into its log file as JSON lines, in the order the lines arrive,
/// so other processes can read and follow them.
/// </summary>
internal sealed class ContainerLogWriter : IAsyncDisposable
{
    private readonly FileStream _file;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public ContainerLogWriter(string path)
    {
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.Asynchronous);
    }

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
            var json = JsonSerializer.SerializeToUtf8Bytes(new LogLine { Log = text, Stream = stream, Time = DateTimeOffset.UtcNow }, StateJsonContext.Default.LogLine);
            await _file.WriteAsync(json.Append((byte)'\n').ToArray()).ConfigureAwait(false);
            await _file.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

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
