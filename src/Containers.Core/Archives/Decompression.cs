using System.IO.Compression;
using Containers.Internal;
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
    private sealed class NonClosingStream(Stream inner) : ReadOnlyStream
    {
        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
    }
}
