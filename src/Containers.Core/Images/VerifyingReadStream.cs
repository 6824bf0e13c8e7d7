namespace Containers.Images;

/// <summary>
/// Wraps a readable stream, hashes what is read, and throws <see cref="DigestMismatchException"/>
/// at the end of the stream (or as soon as it runs past the expected size) when the content is not what was announced.
/// </summary>
/// <remarks>
/// A reader that consumes the stream to its end is guaranteed to have seen only verified content
/// by the time it observes end-of-stream; callers must not commit anything before that.
/// </remarks>
public sealed class VerifyingReadStream : Stream
{
    private readonly Stream _inner;
    private readonly DigestVerifier _verifier;
    private readonly Digest _expected;
    private readonly long? _expectedSize;
    private readonly bool _leaveOpen;
    private bool _verified;

    /// <summary>Initializes a new stream over <paramref name="inner"/> that must hash to <paramref name="expected"/>.</summary>
    public VerifyingReadStream(Stream inner, Digest expected, long? expectedSize = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(expected);
        _inner = inner;
        _expected = expected;
        _expectedSize = expectedSize;
        _leaveOpen = leaveOpen;
        _verifier = new DigestVerifier(expected.Algorithm);
    }

    /// <summary>Gets the number of bytes read so far.</summary>
    public long BytesRead => _verifier.Length;

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => _expectedSize ?? throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position
    {
        get => _verifier.Length;
        set => throw new NotSupportedException();
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var read = _inner.Read(buffer);
        return Account(buffer[..read]);
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span[..read]);
    }

    private int Account(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            // End of stream: only now is the content known to be what was announced.
            if (!_verified)
            {
                _verifier.Verify(_expected, _expectedSize);
                _verified = true;
            }

            return 0;
        }

        _verifier.Append(data);
        if (_expectedSize is { } size && _verifier.Length > size)
        {
            throw new DigestMismatchException(_expected, size, _verifier.Length);
        }

        return data.Length;
    }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _verifier.Dispose();
            if (!_leaveOpen)
            {
                _inner.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        _verifier.Dispose();
        if (!_leaveOpen)
        {
            await _inner.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }
}
