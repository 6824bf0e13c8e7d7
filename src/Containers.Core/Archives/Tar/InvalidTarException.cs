namespace Containers.Archives.Tar;

/// <summary>
/// Reports a tar archive that is malformed or ambiguous: one that two tar readers could read as different entries.
/// Nothing after the failing entry was read.
/// </summary>
public sealed class InvalidTarException : ContainersException
{
    /// <summary>Initializes a new instance naming the entry (or where in the archive it is) and the problem.</summary>
    public InvalidTarException(string entry, string message)
        : base($"invalid tar entry '{entry}': {message}; the archive was refused, rebuild it with a standard tar writer")
    {
        Entry = entry;
        Reason = message;
    }

    /// <summary>Gets the entry's name, or a description of its position when the name is not known yet.</summary>
    public string Entry { get; }

    /// <summary>Gets what is wrong with the entry, without the entry's name.</summary>
    public string Reason { get; }
}
