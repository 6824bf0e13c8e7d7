namespace Containers.Linux.Storage;

/// <summary>Says that a layer cannot be unpacked on its own because an entry hard-links to a file of a parent layer.</summary>
/// <remarks>Internal control flow: the overlay driver then unpacks the layer on top of its parents instead.</remarks>
internal sealed class LayerNeedsParentsException(string entry)
    : Exception($"layer entry '{entry}' hard-links to a file of a parent layer")
{
    /// <summary>Gets the entry with the link.</summary>
    public string Entry { get; } = entry;
}
