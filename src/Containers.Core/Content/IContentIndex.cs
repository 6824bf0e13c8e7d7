using Containers.Oci;

namespace Containers.Content;

/// <summary>Names images in the store: the entries of its index (<c>index.json</c> in an OCI image layout).</summary>
public interface IContentIndex
{
    /// <summary>Reads the index: the named and unnamed images the store holds.</summary>
    Task<ImageIndex> ReadIndexAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Changes the index atomically with respect to every other writer, in this process or another:
    /// <paramref name="update"/> gets the current entries and returns the new ones, or <see langword="null"/> to leave them.
    /// </summary>
    Task<T> UpdateIndexAsync<T>(Func<IReadOnlyList<Descriptor>, (IReadOnlyList<Descriptor>? Entries, T Result)> update, CancellationToken cancellationToken = default);
}
