using Containers.Images;

namespace Containers.Content;

/// <summary>
/// Streams one blob into a content store. The bytes are hashed on the way; <see cref="CommitAsync"/> verifies them and
/// makes the blob visible atomically. Disposing without committing discards it.
/// </summary>
/// <remarks>
/// This base class does the hashing and the verification, so every store refuses a blob whose digest or size does not
/// match; a store implements only where the bytes go (<see cref="WriteCoreAsync"/>, <see cref="WriteCore"/>), how a
/// verified blob becomes visible (<see cref="PublishAsync"/>) and how an abandoned one is discarded (<see cref="DisposeCoreAsync"/>).
/// </remarks>
public abstract class BlobWriter : IAsyncDisposable
{
    private readonly DigestVerifier _verifier;
    private bool _committed;
    private bool _disposed;

    /// <summary>Initializes a writer that hashes with <paramref name="algorithm"/>.</summary>
    protected BlobWriter(DigestAlgorithm algorithm)
    {
        _verifier = new DigestVerifier(algorithm);
    }

    /// <summary>Gets the number of bytes written so far; a resumed download continues from here.</summary>
    public long Length => _verifier.Length;

    /// <summary>Appends bytes.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_committed || _disposed, this);
        _verifier.Append(data.Span);
        await WriteCoreAsync(data, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns a write-only stream over this writer, for producers that write to streams (a tar writer).</summary>
    public Stream AsStream() => new WriterStream(this);

    /// <summary>Appends a whole stream.</summary>
    public async Task CopyFromAsync(Stream source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Gets the digest of everything written; after this, nothing more can be written.</summary>
    public Digest ComputeDigest() => _verifier.GetDigest();

    /// <summary>
    /// Verifies the content against <paramref name="expected"/> and <paramref name="expectedSize"/> when given,
    /// and makes it visible in the store under its digest.
    /// </summary>
    /// <exception cref="DigestMismatchException">The content does not match; it is discarded.</exception>
    public async Task<BlobInfo> CommitAsync(Digest? expected = null, long? expectedSize = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_committed || _disposed, this);
        if (expected is not null)
        {
            _verifier.Verify(expected, expectedSize);
        }
        else if (expectedSize is { } size && size != Length)
        {
            throw new DigestMismatchException(_verifier.GetDigest(), size, Length);
        }

        var info = await PublishAsync(_verifier.GetDigest(), Length, cancellationToken).ConfigureAwait(false);
        _committed = true;
        return info;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _verifier.Dispose();
        await DisposeCoreAsync(_committed).ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Stores bytes that were just hashed.</summary>
    protected abstract ValueTask WriteCoreAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Stores bytes that were just hashed, synchronously (a producer that writes to a stream synchronously).</summary>
    protected abstract void WriteCore(ReadOnlySpan<byte> data);

    /// <summary>Makes the verified content visible under <paramref name="digest"/>, durably; another writer of the same digest may have published it meanwhile.</summary>
    protected abstract Task<BlobInfo> PublishAsync(Digest digest, long size, CancellationToken cancellationToken);

    /// <summary>Releases what the writer holds; when <paramref name="committed"/> is <see langword="false"/>, discards everything written so nothing stays visible.</summary>
    protected abstract ValueTask DisposeCoreAsync(bool committed);

    private void Write(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_committed || _disposed, this);
        _verifier.Append(data);
        WriteCore(data);
    }

    /// <summary>Presents the writer as a forward-only, write-only stream.</summary>
    private sealed class WriterStream(BlobWriter writer) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => writer.Length;

        public override long Position { get => writer.Length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => writer.Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => writer.Write(buffer);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => writer.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            writer.WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
