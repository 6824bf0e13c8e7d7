namespace Containers.Internal;

/// <summary>Passes every byte read from a stream to a callback: to hash it, or to copy it elsewhere (a tee).</summary>
internal sealed class ObservingReadStream(Stream inner, Action<ReadOnlySpan<byte>> onData, bool leaveOpen = false) : ReadOnlyStream
{
    /// <summary>Reads the rest of the stream so the callback has seen everything.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (await ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
        {
        }
    }

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        onData(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        onData(buffer.Span[..read]);
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveOpen)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
