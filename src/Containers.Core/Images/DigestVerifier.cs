using System.Buffers;
using System.Security.Cryptography;

namespace Containers.Images;

/// <summary>
/// Hashes content as it streams past and checks it against an expected digest and size at the end.
/// </summary>
public sealed class DigestVerifier : IDisposable
{
    private readonly IncrementalHash _hash;
    private Digest? _digest;

    /// <summary>Initializes a verifier for the given algorithm (SHA-256 by default).</summary>
    public DigestVerifier(DigestAlgorithm? algorithm = null)
    {
        Algorithm = algorithm ?? DigestAlgorithm.Sha256;
        _hash = Algorithm.CreateHash();
    }

    /// <summary>Gets the algorithm being computed.</summary>
    public DigestAlgorithm Algorithm { get; }

    /// <summary>Gets the number of bytes hashed so far.</summary>
    public long Length { get; private set; }

    /// <summary>Adds bytes to the hash.</summary>
    /// <exception cref="InvalidOperationException">The digest was already taken.</exception>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (_digest is not null)
        {
            throw new InvalidOperationException("The digest was already computed.");
        }

        _hash.AppendData(data);
        Length += data.Length;
    }

    /// <summary>Reads a stream to its end, hashing every byte.</summary>
    public async Task ConsumeAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                Append(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Finishes the hash and returns the digest of everything appended.</summary>
    public Digest GetDigest() => _digest ??= Digest.FromHash(Algorithm, _hash.GetHashAndReset());

    /// <summary>Checks what was appended against the expected digest and, when given, size.</summary>
    /// <exception cref="DigestMismatchException">The size or the digest differs.</exception>
    public void Verify(Digest expected, long? expectedSize = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (expectedSize is { } size && size != Length)
        {
            throw new DigestMismatchException(expected, size, Length);
        }

        var actual = expected.Algorithm == Algorithm ? GetDigest() : throw new ArgumentException(
            $"The verifier computes {Algorithm.Name}, but {expected} was expected.", nameof(expected));
        if (actual != expected)
        {
            throw new DigestMismatchException(expected, actual);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _hash.Dispose();
}
