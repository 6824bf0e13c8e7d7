namespace Containers.Images;

/// <summary>Summarises the space images take, for <c>system df</c>.</summary>
/// <param name="Images">The number of images.</param>
/// <param name="ActiveImages">The number of images containers use.</param>
/// <param name="ContentSize">The bytes of all blobs in the content store.</param>
/// <param name="ReclaimableSize">The bytes that removing unused images would free.</param>
public sealed record ImageDiskUsage(int Images, int ActiveImages, long ContentSize, long ReclaimableSize);
