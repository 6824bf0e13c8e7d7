using System.Formats.Tar;

namespace Containers.Build;

/// <summary>
/// The files a build may copy: a directory (or a tar stream unpacked into a scratch directory), less what
/// <c>.dockerignore</c> excludes. Paths are relative to the context root, with <c>/</c>.
/// </summary>
internal sealed class BuildContext : IDisposable
{
    private readonly string? _scratch;

    private BuildContext(string root, string? scratch)
    {
        Root = root;
        _scratch = scratch;
    }

    public string Root { get; }

    /// <summary>Gets the included entries (files, directories, links), sorted, parents before children.</summary>
    public IReadOnlyList<string> Entries { get; private set; } = [];

    public static BuildContext FromDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new BuildException($"the build context '{directory}' is not a directory; give the directory that holds the files to copy");
        }

        return new BuildContext(Path.GetFullPath(directory), null);
    }

    public static async Task<BuildContext> FromTarAsync(Stream tar, string tempDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(tempDirectory);
        var scratch = Path.Combine(tempDirectory, "build-context-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            await TarFile.ExtractToDirectoryAsync(tar, scratch, overwriteFiles: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            Directory.Delete(scratch, recursive: true);
            throw new BuildException($"the build context is not a valid tar stream: {e.Message}", e);
        }

        return new BuildContext(scratch, scratch);
    }

    /// <summary>Reads the Dockerfile and its ignore file (<c>NAME.dockerignore</c> next to it first, then <c>.dockerignore</c>), then lists the context.</summary>
    public string Load(string dockerfile)
    {
        var path = Path.IsPathRooted(dockerfile) ? dockerfile : Path.Combine(Root, dockerfile);
        if (!File.Exists(path))
        {
            throw new BuildException($"cannot find the Dockerfile '{dockerfile}' in the build context; give its path with -f");
        }

        var ignoreFile = new[] { path + ".dockerignore", Path.Combine(Root, ".dockerignore") }.FirstOrDefault(File.Exists);
        DockerIgnore ignore;
        try
        {
            ignore = ignoreFile is null ? DockerIgnore.Empty : DockerIgnore.Parse(File.ReadAllText(ignoreFile));
        }
        catch (FormatException e)
        {
            throw new BuildException($"{ignoreFile}: {e.Message}; fix the pattern", e);
        }

        var entries = new List<string>();
        Walk(Root, string.Empty, ignore, entries);
        Entries = entries;
        return File.ReadAllText(path);
    }

    private static void Walk(string directory, string prefix, DockerIgnore ignore, List<string> entries)
    {
        foreach (var info in new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            var relative = prefix + info.Name;
            var excluded = ignore.IsExcluded(relative);
            if (!excluded)
            {
                entries.Add(relative);
            }

            // An excluded directory may still hold exceptions ('!dir/keep'), so its children are tested one by one.
            if (info is DirectoryInfo && info.LinkTarget is null)
            {
                Walk(info.FullName, relative + "/", ignore, entries);
            }
        }
    }

    public string FullPath(string relative) => relative.Length == 0 ? Root : Path.Combine(Root, relative);

    public void Dispose()
    {
        if (_scratch is not null && Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }
}
