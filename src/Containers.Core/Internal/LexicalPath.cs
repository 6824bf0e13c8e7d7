namespace Containers.Internal;

/// <summary>Cleans paths by their text alone, as Go's <c>path.Clean</c> does: no symbolic link is read.</summary>
internal static class LexicalPath
{
    /// <summary>
    /// Resolves repeated slashes, <c>.</c> and <c>..</c> (which stops at the top) and returns the components joined by
    /// <c>/</c>, without a leading slash (<c>""</c> for the top itself).
    /// </summary>
    public static string Clean(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return string.Join('/', parts);
    }
}
