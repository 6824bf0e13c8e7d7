using Containers.Archives.Tar;

namespace Containers.Build;

/// <summary>
/// One entry a COPY or ADD writes into its layer: its path in the image (relative, no leading <c>/</c>), its metadata,
/// where its data comes from, and a digest of everything that makes it, for the cache key.
/// </summary>
internal sealed record CopyItem(string Target, TarEntryKind Kind, int Mode, int Uid, int Gid, DateTimeOffset Modified, string LinkName, string Hash)
{
    /// <summary>Gets the context file (or scratch file) holding the data of a regular file.</summary>
    public string? SourceFile { get; init; }

    /// <summary>Gets the path in the source image of a file copied from another stage or image.</summary>
    public string? ImagePath { get; init; }

    /// <summary>Gets the content of an inline (heredoc) file.</summary>
    public string? Text { get; init; }

    /// <summary>Gets a value indicating whether this is a local archive ADD unpacks into <see cref="Target"/>.</summary>
    public bool IsArchive { get; init; }
}
