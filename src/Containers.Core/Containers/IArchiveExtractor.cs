namespace Containers.Containers;

/// <summary>
/// Unpacks a tar archive into a container's root filesystem, keeping ownership, modes and links, and never writing
/// outside it; platform packages implement it (Core has no file-ownership APIs).
/// </summary>
public interface IArchiveExtractor
{
    /// <summary>Unpacks <paramref name="archive"/> (uncompressed tar, names relative to <paramref name="root"/>) into <paramref name="root"/>.</summary>
    /// <exception cref="Storage.LayerApplyException">An entry is malformed or cannot be written.</exception>
    Task ExtractAsync(Stream archive, string root, CancellationToken cancellationToken);
}
