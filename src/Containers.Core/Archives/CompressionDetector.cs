using Containers.Oci;

namespace Containers.Archives;

/// <summary>Tells gzip, zstd and plain tar apart by their first bytes, so media types are checked rather than trusted.</summary>
public static class CompressionDetector
{
    /// <summary>The number of leading bytes <see cref="Detect(ReadOnlySpan{byte})"/> needs.</summary>
    public const int HeaderLength = 4;

    /// <summary>Returns the compression whose magic number starts <paramref name="header"/>; anything else is taken as uncompressed.</summary>
    public static LayerCompression Detect(ReadOnlySpan<byte> header) =>
        header.Length >= 2 && header[0] == 0x1f && header[1] == 0x8b ? LayerCompression.Gzip
        : header.Length >= 4 && header[0] == 0x28 && header[1] == 0xb5 && header[2] == 0x2f && header[3] == 0xfd ? LayerCompression.Zstd
        : LayerCompression.None;

    /// <summary>Reads the first bytes of a seekable stream to detect its compression, then rewinds it.</summary>
    public static LayerCompression Detect(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[HeaderLength];
        var start = stream.Position;
        var read = stream.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false);
        stream.Position = start;
        return Detect(header[..read]);
    }
}
