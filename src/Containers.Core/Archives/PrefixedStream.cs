using Containers.Internal;

namespace Containers.Archives;

/// <summary>Replays bytes already read from a stream before reading on, so a format can be sniffed from an unseekable stream.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : ReadOnlyStream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    /// <summary>Reads up to <paramref name="count"/> bytes from <paramref name="stream"/> and returns them with a stream that still yields everything.</summary>
    public static async Task<(byte[] Head, Stream Stream)> PeekAsync(Stream stream, int count, CancellationToken cancellationToken)
    {
        var head = new byte[count];
        var read = await stream.ReadAtLeastAsync(head, count, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return (head[..read], new PrefixedStream(head.AsMemory(0, read), stream));
    }

    public override int Read(Span<byte> buffer)
    {
        if (_prefix.IsEmpty)
        {
            return rest.Read(buffer);
        }

        var n = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..n].CopyTo(buffer);
        _prefix = _prefix[n..];
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_prefix.IsEmpty)
        {
            return await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        return Read(buffer.Span);
    }
}
