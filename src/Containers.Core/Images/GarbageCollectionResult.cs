namespace Containers.Images;

/// <summary>Reports what a garbage collection of the content store deleted.</summary>
/// <param name="BlobsDeleted">The number of blobs deleted.</param>
/// <param name="BytesDeleted">Their total size.</param>
public sealed record GarbageCollectionResult(int BlobsDeleted, long BytesDeleted);
