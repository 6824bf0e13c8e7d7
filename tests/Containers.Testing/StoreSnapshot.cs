using System.Security.Cryptography;

namespace Containers.Testing;

/// <summary>Captures every file under a store root with its hash, to assert that a failed operation left the store exactly as it was.</summary>
public sealed record StoreSnapshot(IReadOnlyDictionary<string, string> Files)
{
    /// <summary>Records the relative path and SHA-256 of every file, ignoring lock files (their existence carries no state).</summary>
    public static StoreSnapshot Take(string root)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file);
            if (relative.StartsWith("locks/", StringComparison.Ordinal))
            {
                continue;
            }

            files[relative] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
        }

        return new StoreSnapshot(files);
    }
}
