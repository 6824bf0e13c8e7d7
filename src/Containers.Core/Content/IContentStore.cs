namespace Containers.Content;

/// <summary>
/// Stores blobs by digest and names images; <see cref="OciLayoutContentStore"/> keeps them as an OCI image layout on disk.
/// </summary>
/// <remarks>
/// The lifecycle of a blob:
/// <list type="bullet">
/// <item>A writer streams it to a temporary file, hashing as it goes.</item>
/// <item>Commit checks digest and size and makes it visible atomically (the OCI layout store flushes the file and renames it to <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c>); a blob that fails verification is never visible.</item>
/// <item>It stays while an image name, a container or an in-progress write references it; garbage collection removes it afterwards.</item>
/// </list>
/// <para>
/// Users depend on this interface (or the narrow one they need), never on an implementation. An implementation proves
/// the contract by running <c>ContentStoreConformanceTests</c> (in <c>tests/Containers.Core.Tests</c>).
/// </para>
/// </remarks>
public interface IContentStore : IContentProvider, IContentIngester, IContentManager, IContentIndex
{
}
