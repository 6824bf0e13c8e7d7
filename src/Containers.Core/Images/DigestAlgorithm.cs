using System.Security.Cryptography;

namespace Containers.Images;

/// <summary>
/// Names a content digest algorithm the engine can compute and verify: <c>sha256</c> or <c>sha512</c>.
/// </summary>
public sealed class DigestAlgorithm : IEquatable<DigestAlgorithm>
{
    /// <summary>Gets SHA-256, the algorithm every OCI implementation must support and the default.</summary>
    public static DigestAlgorithm Sha256 { get; } = new("sha256", 64, HashAlgorithmName.SHA256);

    /// <summary>Gets SHA-512.</summary>
    public static DigestAlgorithm Sha512 { get; } = new("sha512", 128, HashAlgorithmName.SHA512);

    private readonly HashAlgorithmName _hashName;

    private DigestAlgorithm(string name, int hexLength, HashAlgorithmName hashName)
    {
        Name = name;
        HexLength = hexLength;
        _hashName = hashName;
    }

    /// <summary>Gets the name used in digest strings, such as <c>sha256</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the number of lowercase hexadecimal characters in an encoded digest.</summary>
    public int HexLength { get; }

    /// <summary>Finds a supported algorithm by its name; returns <see langword="null"/> when unknown.</summary>
    public static DigestAlgorithm? FromName(ReadOnlySpan<char> name) =>
        name.SequenceEqual("sha256") ? Sha256 : name.SequenceEqual("sha512") ? Sha512 : null;

    /// <summary>Creates an incremental hash for this algorithm.</summary>
    public IncrementalHash CreateHash() => IncrementalHash.CreateHash(_hashName);

    /// <inheritdoc/>
    public bool Equals(DigestAlgorithm? other) => ReferenceEquals(this, other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    /// <inheritdoc/>
    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
