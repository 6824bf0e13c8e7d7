using Containers.Images;

namespace Containers.Storage;

/// <summary>Holds unpacked layers keyed by chain ID; the image service asks it to drop those no image or container needs.</summary>
public interface ILayerStore
{
    /// <summary>Deletes unpacked layers whose chain ID is not in <paramref name="keep"/>; returns the bytes freed.</summary>
    Task<long> PruneAsync(IReadOnlySet<Digest> keep, CancellationToken cancellationToken = default);

    /// <summary>Counts the unpacked layers and the bytes they take.</summary>
    Task<LayerUsage> GetUsageAsync(CancellationToken cancellationToken = default);
}

/// <summary>Says how many unpacked layers there are and how much space they take.</summary>
/// <param name="Layers">The number of unpacked layers.</param>
/// <param name="Size">Their size in bytes; each layer counts once however many images share it.</param>
public sealed record LayerUsage(int Layers, long Size);
