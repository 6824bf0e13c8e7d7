namespace Containers.Images;

/// <summary>Reports text that is not a valid image reference, and names the problem.</summary>
public sealed class InvalidReferenceException : ContainersException
{
    /// <summary>Initializes a new instance for the rejected text.</summary>
    public InvalidReferenceException(string reference, ReferenceError error, string detail)
        : base($"invalid reference '{(reference.Length > 300 ? reference[..300] + "..." : reference)}': {detail}")
    {
        Reference = reference;
        Error = error;
    }

    /// <summary>Gets the rejected text.</summary>
    public string Reference { get; }

    /// <summary>Gets the kind of problem found.</summary>
    public ReferenceError Error { get; }
}
