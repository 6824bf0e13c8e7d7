namespace Containers.Content;

/// <summary>
/// Stores blobs by digest, as an OCI image layout on disk.
/// </summary>
/// <remarks>
/// The lifecycle of a blob:
/// <list type="bullet">
/// <item>A writer streams it to a temporary file, hashing as it goes.</item>
/// <item>Commit checks digest and size, flushes the file to disk and renames it to <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c>; a blob that fails verification is never visible.</item>
/// <item>It stays while an image name, a container or an in-progress write references it; garbage collection removes it afterwards.</item>
/// </list>
/// </remarks>
public interface IContentStore : IContentProvider, IContentIngester, IContentManager
{
}
