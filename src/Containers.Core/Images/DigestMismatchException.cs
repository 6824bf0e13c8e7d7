namespace Containers.Images;

/// <summary>
/// Reports content whose bytes do not match the digest or size it was announced with; the content was discarded.
/// </summary>
public sealed class DigestMismatchException : ContainersException
{
    /// <summary>Initializes a new instance for a digest mismatch.</summary>
    public DigestMismatchException(Digest expected, Digest actual)
        : base($"content verification failed: expected {expected}, got {actual}")
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>Initializes a new instance for a size mismatch.</summary>
    public DigestMismatchException(Digest expected, long expectedSize, long actualSize)
        : base($"content verification failed for {expected}: expected {expectedSize} bytes, got {(actualSize > expectedSize ? "more than " + expectedSize : actualSize.ToString(System.Globalization.CultureInfo.InvariantCulture))}")
    {
        Expected = expected;
        ExpectedSize = expectedSize;
        ActualSize = actualSize;
    }

    /// <summary>Gets the digest the content was announced with.</summary>
    public Digest Expected { get; }

    /// <summary>Gets the digest of the bytes received, when they were read to the end.</summary>
    public Digest? Actual { get; }

    /// <summary>Gets the announced size, for a size mismatch.</summary>
    public long? ExpectedSize { get; }

    /// <summary>Gets the number of bytes received, for a size mismatch.</summary>
    public long? ActualSize { get; }
}
