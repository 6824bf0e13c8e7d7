using Containers.Images;

namespace Containers.Content;

/// <summary>
/// Streams one blob into the content store. The bytes go to a private temporary file and are hashed on the way;
/// <see cref="CommitAsync"/> verifies them and makes the blob visible atomically. Disposing without committing discards it.
/// </summary>
/// <remarks>
/// The temporary file stays exclusively locked while the writer lives, so a later engine start can tell
/// an abandoned write (its process died) from one in progress and reclaim only the former.
/// </remarks>
public sealed class BlobWriter : IAsyncDisposable
{
    private readonly OciLayoutContentStore _store;
    private readonly FileStream _file;
    private readonly DigestVerifier _verifier;
    private bool _committed;

    internal BlobWriter(OciLayoutContentStore store, string tempPath, FileStream file, DigestAlgorithm algorithm)
    {
        _store = store;
        TempPath = tempPath;
        _file = file;
        _verifier = new DigestVerifier(algorithm);
    }

    /// <summary>Gets the number of bytes written so far; a resumed download continues from here.</summary>
    public long Length => _verifier.Length;

    internal string TempPath { get; }

    /// <summary>Appends bytes.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        _verifier.Append(data.Span);
        try
        {
            await _file.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (StorageFullException.IsDiskFull(e))
        {
            throw Full(e);
        }
    }

    /// <summary>Appends bytes synchronously, for callers that observe a stream as it is read.</summary>
    internal void Write(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        _verifier.Append(data);
        try
        {
            _file.Write(data);
        }
        catch (IOException e) when (StorageFullException.IsDiskFull(e))
        {
            throw Full(e);
        }
    }

    /// <summary>The disk filled while writing: the caller's dispose deletes the partial file, so nothing half-written stays.</summary>
    private StorageFullException Full(IOException e) => new(TempPath, "writing image content (a blob of a pull, import, commit or build) to", e);

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
    /// flushes it to disk and moves it to its place in the store.
    /// </summary>
    /// <exception cref="DigestMismatchException">The content does not match; it is discarded.</exception>
    public async Task<BlobInfo> CommitAsync(Digest? expected = null, long? expectedSize = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        if (expected is not null)
        {
            _verifier.Verify(expected, expectedSize);
        }
        else if (expectedSize is { } size && size != Length)
        {
            throw new DigestMismatchException(_verifier.GetDigest(), size, Length);
        }

        var digest = _verifier.GetDigest();
        try
        {
            await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
            _file.Flush(flushToDisk: true);
        }
        catch (IOException e) when (StorageFullException.IsDiskFull(e))
        {
            throw Full(e);
        }

        var info = _store.Publish(TempPath, digest, Length);
        _committed = true;
        await _file.DisposeAsync().ConfigureAwait(false);
        return info;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _verifier.Dispose();
        await _file.DisposeAsync().ConfigureAwait(false);
        if (!_committed)
        {
            File.Delete(TempPath);
        }
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
