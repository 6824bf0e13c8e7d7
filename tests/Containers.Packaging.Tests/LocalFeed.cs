using System.IO.Compression;
using Containers.Testing;

namespace Containers.Packaging.Tests;

/// <summary>
/// Packs the three packages (from the Release build) into a local feed under a version of its own, so a consumer's restore
/// never reuses an earlier test's packages from the NuGet cache; removes that version from the cache on dispose.
/// </summary>
public sealed class LocalFeed : IAsyncLifetime
{
    public static readonly string[] PackageIds = ["Containers.Core", "Containers.Linux", "Containers.Registry"];

    private readonly TempDirectory _directory = new("packages-feed");

    public string Version { get; } = $"0.1.0-ci.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    public string Path => _directory.Combine("feed");

    /// <summary>Gets the repository's root: the directory above the tests that holds Containers.sln.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public string PackagePath(string id) => System.IO.Path.Combine(Path, $"{id}.{Version}.nupkg");

    /// <summary>Reads one entry of a packed package.</summary>
    public byte[] ReadEntry(string id, string entryName)
    {
        using var archive = ZipFile.OpenRead(PackagePath(id));
        var entry = archive.GetEntry(entryName) ?? throw new FileNotFoundException($"{id} has no {entryName}", entryName);
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public IReadOnlyList<string> Entries(string id)
    {
        using var archive = ZipFile.OpenRead(PackagePath(id));
        return archive.Entries.Select(e => e.FullName).ToList();
    }

    public async Task InitializeAsync()
    {
        foreach (var id in PackageIds)
        {
            await DotnetCli.RunCheckedAsync(RepositoryRoot, TimeSpan.FromMinutes(10),
                "pack", System.IO.Path.Combine(RepositoryRoot, "src", id, id + ".csproj"),
                "-c", "Release", "--no-build", "-o", Path, $"-p:PackageVersion={Version}");
        }
    }

    public Task DisposeAsync()
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in PackageIds)
        {
            var restored = System.IO.Path.Combine(cache, id.ToLowerInvariant(), Version);
            if (Directory.Exists(restored))
            {
                Directory.Delete(restored, recursive: true);
            }
        }

        _directory.Dispose();
        return Task.CompletedTask;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Containers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Containers.sln above {AppContext.BaseDirectory}");
    }
}
