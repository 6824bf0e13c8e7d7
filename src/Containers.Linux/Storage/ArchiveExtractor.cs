using Containers.Containers;

namespace Containers.Linux.Storage;

/// <summary>Unpacks archives copied into a container with the layer applier: in-root resolution by the kernel, owners and modes kept.</summary>
internal sealed class ArchiveExtractor : IArchiveExtractor
{
    public Task ExtractAsync(Stream archive, string root, CancellationToken cancellationToken) =>
        LayerApplier.ApplyAsync(archive, root, WhiteoutFormat.Apply, cancellationToken);
}
