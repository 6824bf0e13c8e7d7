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

            var candidate = Path.Combine(root, string.Join('/', current.Append(component)));
            var target = new FileInfo(candidate).LinkTarget;
            if (target is null)
            {
                current.Add(component);
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new IOException($"too many levels of symbolic links resolving {path} in {root}");
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

        return current.Count == 0 ? root : Path.Combine(root, string.Join('/', current));
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
