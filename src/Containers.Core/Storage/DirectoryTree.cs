using System.IO.Enumeration;

namespace Containers.Storage;

/// <summary>Walks a directory tree without ever following a symbolic link.</summary>
/// <remarks>
/// The BCL's recursive enumeration descends into a link to a directory. Image content is full of those (Debian's
/// <c>/dev/fd</c> points at <c>/proc/self/fd</c>), so a walk that follows them loops until the path is too long, or
/// leaves the tree altogether.
/// </remarks>
public static class DirectoryTree
{
    /// <summary>Returns the size of every regular file under <paramref name="directory"/>; 0 when it does not exist.</summary>
    public static long Size(string directory) => Entries(directory).Sum();

    /// <summary>Returns the bytes of regular files and the number of entries (links included) under <paramref name="directory"/>.</summary>
    public static (long Size, long Entries) Usage(string directory)
    {
        long size = 0, entries = 0;
        foreach (var entry in Entries(directory))
        {
            size += entry;
            entries++;
        }

        return (size, entries);
    }

    /// <summary>Yields each entry's size: a regular file's length, 0 for directories, links and other kinds.</summary>
    private static IEnumerable<long> Entries(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        return new FileSystemEnumerable<long>(directory, (ref FileSystemEntry e) => IsLink(ref e) || e.IsDirectory ? 0 : e.Length, options)
        {
            ShouldRecursePredicate = (ref FileSystemEntry e) => !IsLink(ref e),
        };
    }

    private static bool IsLink(ref FileSystemEntry entry) => (entry.Attributes & FileAttributes.ReparsePoint) != 0;
}
