namespace Containers.Archives;

/// <summary>Normalises archive member names and refuses those that leave the archive's root.</summary>
internal static class ArchivePath
{
    /// <summary>Returns the name without <c>./</c> prefixes and empty components, or null when it is absolute or uses <c>..</c>.</summary>
    public static string? Normalize(string name)
    {
        if (string.IsNullOrEmpty(name) || name.StartsWith('/') || name.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();
        return parts.Count == 0 || parts.Contains("..") ? null : string.Join('/', parts);
    }

    /// <summary>Tells whether a member names the archive's root itself (<c>./</c>, as <c>tar -C dir -cf x.tar .</c> writes first).</summary>
    public static bool IsRoot(string name) =>
        !name.StartsWith('/') && name.Split('/', StringSplitOptions.RemoveEmptyEntries).All(p => p == ".");

    /// <summary>Resolves a symbolic link's target against the directory of the link, inside the archive; null when it escapes.</summary>
    public static string? ResolveLink(string linkName, string target)
    {
        if (target.StartsWith('/'))
        {
            return null;
        }

        var parts = linkName.Split('/').SkipLast(1).ToList();
        foreach (var part in target.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    return null;
                }

                parts.RemoveAt(parts.Count - 1);
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return parts.Count == 0 ? null : string.Join('/', parts);
    }
}
