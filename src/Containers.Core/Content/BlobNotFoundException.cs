using Containers.Images;

namespace Containers.Content;

/// <summary>Reports a blob that is not in the content store (or a manifest that references one that is missing).</summary>
public sealed class BlobNotFoundException : ContainersException
{
    /// <summary>Initializes a new instance for the missing digest.</summary>
    public BlobNotFoundException(Digest digest, string? context = null)
        : base($"blob {digest} not found{(context is null ? string.Empty : " (" + context + ")")}")
    {
        Digest = digest;
    }

    /// <summary>Gets the missing digest.</summary>
    public Digest Digest { get; }
}
