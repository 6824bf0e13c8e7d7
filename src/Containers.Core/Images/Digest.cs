using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Containers.Internal;

namespace Containers.Images;

/// <summary>
/// Identifies content by the hash of its bytes, written <c>algorithm:encoded</c>
/// (for example <c>sha256:2c26b46b...</c>), as in the OCI image specification.
/// </summary>
/// <remarks>
/// Only <c>sha256</c> and <c>sha512</c> are accepted, with exactly 64 or 128 lowercase hexadecimal
/// characters, so a parsed digest is always safe to use as a file name.
/// </remarks>
[JsonConverter(typeof(DigestJsonConverter))]
public sealed class Digest : IEquatable<Digest>, IComparable<Digest>
{
    private Digest(DigestAlgorithm algorithm, string encoded)
    {
        Algorithm = algorithm;
        Encoded = encoded;
    }

    /// <summary>Gets the hash algorithm.</summary>
    public DigestAlgorithm Algorithm { get; }

    /// <summary>Gets the lowercase hexadecimal hash.</summary>
    public string Encoded { get; }

    /// <summary>Gets the first 12 hexadecimal characters, as Docker shows image and container IDs.</summary>
    public string ShortId => Encoded[..12];

    /// <summary>Parses <c>algorithm:encoded</c>.</summary>
    /// <exception cref="InvalidDigestException">The text is not a valid, supported digest.</exception>
    public static Digest Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryParse(value, out var digest, out var error) ? digest : throw new InvalidDigestException(value, error);
    }

    /// <summary>Parses <c>algorithm:encoded</c>, returning <see langword="false"/> when it is not a valid, supported digest.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out Digest? digest) =>
        TryParse(value, out digest, out _);

    /// <summary>Creates a digest from an algorithm and its hexadecimal hash.</summary>
    /// <exception cref="InvalidDigestException">The hash has the wrong length or characters.</exception>
    public static Digest Create(DigestAlgorithm algorithm, string encoded)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        return Parse(algorithm.Name + ":" + encoded);
    }

    /// <summary>Computes the SHA-256 (or the given algorithm's) digest of some bytes.</summary>
    public static Digest Compute(ReadOnlySpan<byte> data, DigestAlgorithm? algorithm = null)
    {
        algorithm ??= DigestAlgorithm.Sha256;
        using var hash = algorithm.CreateHash();
        hash.AppendData(data);
        return FromHash(algorithm, hash.GetHashAndReset());
    }

    /// <summary>Computes the digest of a stream, reading it to the end.</summary>
    public static async Task<Digest> ComputeAsync(Stream stream, DigestAlgorithm? algorithm = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var verifier = new DigestVerifier(algorithm ?? DigestAlgorithm.Sha256);
        await verifier.ConsumeAsync(stream, cancellationToken).ConfigureAwait(false);
        return verifier.GetDigest();
    }

    internal static Digest FromHash(DigestAlgorithm algorithm, ReadOnlySpan<byte> hash) =>
        new(algorithm, Convert.ToHexStringLower(hash));

    internal static bool TryParse(string? value, [NotNullWhen(true)] out Digest? digest, out string error)
    {
        digest = null;
        if (string.IsNullOrEmpty(value))
        {
            error = "the digest is empty";
            return false;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            error = "a digest has the form algorithm:hex";
            return false;
        }

        var algorithm = DigestAlgorithm.FromName(value.AsSpan(0, colon));
        if (algorithm is null)
        {
            error = $"unsupported digest algorithm '{value[..colon]}' (expected sha256 or sha512)";
            return false;
        }

        var encoded = value.AsSpan(colon + 1);
        if (encoded.Length != algorithm.HexLength)
        {
            error = $"a {algorithm.Name} digest has {algorithm.HexLength} hexadecimal characters, not {encoded.Length}";
            return false;
        }

        if (encoded.ContainsAnyExcept(Ascii.LowerHex))
        {
            error = "the encoded part may only hold lowercase hexadecimal characters";
            return false;
        }

        error = string.Empty;
        digest = new Digest(algorithm, encoded.ToString());
        return true;
    }

    /// <inheritdoc/>
    public bool Equals(Digest? other) =>
        other is not null && other.Algorithm == Algorithm && string.Equals(other.Encoded, Encoded, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Digest);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Algorithm, string.GetHashCode(Encoded, StringComparison.Ordinal));

    /// <inheritdoc/>
    public int CompareTo(Digest? other) => string.CompareOrdinal(ToString(), other?.ToString());

    /// <summary>Returns <c>algorithm:encoded</c>.</summary>
    public override string ToString() => Algorithm.Name + ":" + Encoded;

    /// <summary>Compares two digests by value.</summary>
    public static bool operator ==(Digest? left, Digest? right) => left?.Equals(right) ?? right is null;

    /// <summary>Compares two digests by value.</summary>
    public static bool operator !=(Digest? left, Digest? right) => !(left == right);
}
