using Containers.Images;

namespace Containers.Oci;

/// <summary>Reports a manifest, index or image configuration that is malformed or inconsistent.</summary>
public sealed class InvalidManifestException : ContainersException
{
    /// <summary>Initializes a new instance naming the document and the problem.</summary>
    public InvalidManifestException(string document, Digest? digest, string reason, Exception? innerException = null)
        : base($"invalid {document}{(digest is null ? string.Empty : " " + digest)}: {reason}", innerException)
    {
        Document = document;
        Digest = digest;
        Reason = reason;
    }

    /// <summary>Gets what was being read (<c>image manifest</c>, <c>image index</c>, <c>image configuration</c>).</summary>
    public string Document { get; }

    /// <summary>Gets the digest of the document, when known.</summary>
    public Digest? Digest { get; }

    /// <summary>Gets the problem found.</summary>
    public string Reason { get; }
}
