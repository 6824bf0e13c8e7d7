namespace Containers.Images;

/// <summary>Reports what pruning removed.</summary>
/// <param name="Removals">The names removed and images deleted.</param>
/// <param name="SpaceReclaimed">The bytes of blobs deleted.</param>
public sealed record ImagePruneResult(IReadOnlyList<ImageRemoval> Removals, long SpaceReclaimed);
