namespace Containers.Storage;

/// <summary>
/// Resolves a path as a process chrooted into <c>root</c> would see it: symbolic links are followed, but absolute
/// targets and <c>..</c> never climb above the root. Used to read files of an image (its passwd, its PATH) safely.
/// </summary>
/// <remarks>
/// This is a userspace walk; it is safe for content nobody changes concurrently (an image or a stopped container's
/// root). Code that writes into a root that a running container may change uses kernel-enforced resolution instead.
/// </remarks>
public static class InRootPath
{
    private const int MaxLinks = 40;

    /// <summary>Returns the host path of <paramref name="path"/> inside <paramref name="root"/>; the result always lies inside the root.</summary>
    /// <exception cref="IOException">The path goes through too many symbolic links.</exception>
    public static string Resolve(string root, string path)
    {
        var resolved = Walk(path, candidate => new FileInfo(Path.Combine(root, candidate)).LinkTarget)
            ?? throw new IOException($"too many levels of symbolic links resolving {path} in {root}");
        return resolved.Length == 0 ? root : Path.Combine(root, resolved);
    }

    /// <summary>
    /// Resolves <paramref name="path"/> component by component as a process chrooted into a root would, reading each
    /// symbolic link through <paramref name="readLink"/>: an absolute target starts again at the root, and <c>..</c> never
    /// climbs above it. The one walk behind every in-root resolution (host directories, image indexes, mount points).
    /// </summary>
    /// <param name="path">The path inside the root, absolute or relative to it.</param>
    /// <param name="readLink">
    /// Returns the target of the symbolic link at a root-relative path (components joined by <c>/</c>, no leading slash),
    /// or <see langword="null"/> where there is no link.
    /// </param>
    /// <param name="followLast">Whether a link in the last component is followed; the default is <see langword="true"/>.</param>
    /// <returns>
    /// The resolved path relative to the root, with no leading slash (<c>""</c> for the root itself), or
    /// <see langword="null"/> when it goes through more than 40 links (ELOOP).
    /// </returns>
    public static string? Walk(string path, Func<string, string?> readLink, bool followLast = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(readLink);
        var pending = new Stack<string>(path.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = new List<string>();
        var links = 0;
        while (pending.TryPop(out var component))
        {
            if (component == ".")
            {
                continue;
            }

            if (component == "..")
            {
                if (current.Count > 0)
                {
                    current.RemoveAt(current.Count - 1);
                }

                continue;
            }

            var target = !followLast && pending.Count == 0 ? null : readLink(string.Join('/', current.Append(component)));
            if (target is null)
            {
                current.Add(component);
                continue;
            }

            if (++links > MaxLinks)
            {
                return null;
            }

            if (target.StartsWith('/'))
            {
                current.Clear();
            }

            foreach (var part in target.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
            {
                pending.Push(part);
            }
        }

        return string.Join('/', current);
    }

    /// <summary>Reads a small text file inside the root, or returns null when it does not exist or is not a regular file.</summary>
    public static string? ReadText(string root, string path, int maxBytes = 10 * 1024 * 1024)
    {
        var resolved = Resolve(root, path);
        var info = new FileInfo(resolved);
        if (!info.Exists || info.LinkTarget is not null)
        {
            return null;
        }

        if (info.Length > maxBytes)
        {
            throw new IOException($"{path} in the container is larger than {maxBytes} bytes");
        }

        return File.ReadAllText(resolved);
    }
}
