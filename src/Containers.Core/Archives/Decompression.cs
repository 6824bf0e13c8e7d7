using System.IO.Compression;
using Containers.Oci;

namespace Containers.Archives;

/// <summary>Opens the uncompressed view of a layer stream.</summary>
public static class Decompression
{
    /// <summary>Wraps <paramref name="compressed"/> in a decompressor for <paramref name="compression"/>, or returns it as is for plain tar.</summary>
    public static Stream Open(Stream compressed, LayerCompression compression, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        return compression switch
        {
            LayerCompression.Gzip => new GZipStream(compressed, CompressionMode.Decompress, leaveOpen),
            LayerCompression.Zstd => new ZstdSharp.DecompressionStream(compressed, leaveOpen: leaveOpen),
            _ => leaveOpen ? new NonClosingStream(compressed) : compressed,
        };
    }

    /// <summary>Hides <see cref="Stream.Dispose()"/> so a wrapper can be disposed while the underlying stream lives on.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
