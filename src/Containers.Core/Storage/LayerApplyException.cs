namespace Containers.Storage;

/// <summary>Reports a layer that cannot be unpacked: a malformed tar, an entry that would leave the root, a link to nothing.</summary>
public sealed class LayerApplyException : ContainersException
{
    /// <summary>Initializes a new instance naming the entry and the problem.</summary>
    public LayerApplyException(string entry, string message, Exception? innerException = null)
        : base($"cannot unpack layer entry '{entry}': {message}", innerException)
    {
        Entry = entry;
    }

    /// <summary>Gets the name of the tar entry that failed.</summary>
    public string Entry { get; }
}
