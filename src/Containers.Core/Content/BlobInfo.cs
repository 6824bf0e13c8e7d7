using Containers.Images;

namespace Containers.Content;

/// <summary>Describes a blob in the content store.</summary>
/// <param name="Digest">The blob's digest.</param>
/// <param name="Size">The blob's size in bytes.</param>
/// <param name="CreatedAt">When the blob entered the store.</param>
public sealed record BlobInfo(Digest Digest, long Size, DateTimeOffset CreatedAt);
