namespace Containers.Linux.Roots;

/// <summary>
/// The host's list of roots that made kernel objects since boot: <c>/run/dotnet-containers/roots/&lt;root ID&gt;</c> holding
/// the root's path. It finds roots that left only mounts behind, and paths too long for a label.
/// </summary>
/// <remarks>On tmpfs, so it forgets what a reboot removed anyway.</remarks>
internal static class RootRegistry
{
    /// <summary>The registry directory.</summary>
    public const string Directory = "/run/dotnet-containers/roots";

    /// <summary>Records the root, before it creates any kernel object.</summary>
    public static void Register(OwnerLabel owner, string root)
    {
        var path = Path.Combine(Directory, owner.Id);
        if (File.Exists(path))
        {
            return;
        }

        System.IO.Directory.CreateDirectory(Directory);
        var temp = path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllText(temp, root);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Lists the registered roots: ID and path.</summary>
    public static IReadOnlyList<(string Id, string Root)> List()
    {
        var roots = new List<(string, string)>();
        if (!System.IO.Directory.Exists(Directory))
        {
            return roots;
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(Directory))
        {
            var id = Path.GetFileName(file);
            if (id.Length == 16 && id.All(char.IsAsciiHexDigitLower) && Read(file) is { } root)
            {
                roots.Add((id, root));
            }
        }

        return roots;
    }

    /// <summary>Returns the path registered for a root ID.</summary>
    public static string? Find(string id) => id.All(char.IsAsciiHexDigitLower) ? Read(Path.Combine(Directory, id)) : null;

    /// <summary>Forgets a root whose objects are all reclaimed.</summary>
    public static void Remove(string id) => File.Delete(Path.Combine(Directory, id));

    private static string? Read(string file)
    {
        try
        {
            var text = File.ReadAllText(file);
            return text.StartsWith('/') ? text : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
