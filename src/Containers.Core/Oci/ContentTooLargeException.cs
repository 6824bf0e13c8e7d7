namespace Containers.Oci;

/// <summary>Reports a document from an untrusted source that is larger than the engine accepts.</summary>
public sealed class ContentTooLargeException : ContainersException
{
    /// <summary>Initializes a new instance naming the document, its size and the limit.</summary>
    public ContentTooLargeException(string document, long size, long limit)
        : base($"{document} is too large: {size} bytes, the limit is {limit} bytes")
    {
        Document = document;
        Size = size;
        Limit = limit;
    }

    /// <summary>Gets what was being read.</summary>
    public string Document { get; }

    /// <summary>Gets the size seen (at least this many bytes).</summary>
    public long Size { get; }

    /// <summary>Gets the limit.</summary>
    public long Limit { get; }
}
