using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Containers.Containers;
using Containers.Images;
using Containers.Internal;

namespace Containers.Fixtures;

/// <summary>
/// Computes a ready-state snapshot's key: the SHA-256 of everything that determines the state a service reaches, so
/// that any change to it (image, command, entrypoint, environment, user, working directory, mounts, labels, files
/// copied in and their content, the wait strategy) names another snapshot.
/// </summary>
internal static class ReadySnapshotKey
{
    // Bump when what the key covers or how a snapshot is taken changes: old snapshots then simply stop matching.
    private const string Version = "dotnet-containers-ready-snapshot/v1";

    public static string Compute(Digest imageId, ContainerCreateOptions options, IReadOnlyList<FixtureFile> files, string? wait)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, Version);
        Append(hash, JsonSerializer.Serialize(Canonical(imageId, options), StateJsonContext.Default.ContainerCreateOptions));
        foreach (var file in files)
        {
            Append(hash, string.Create(CultureInfo.InvariantCulture, $"file {file.Path} {(int?)file.Mode} {file.UserId}:{file.GroupId} {Convert.ToHexStringLower(SHA256.HashData(file.Content.Span))}"));
        }

        Append(hash, "wait " + wait);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Drops what cannot change the state (the name, host ports, who started it) and orders what JSON would not.</summary>
    private static ContainerCreateOptions Canonical(Digest imageId, ContainerCreateOptions options) => options with
    {
        Image = imageId.ToString(),
        Name = null,
        PortBindings = [],
        Labels = new SortedDictionary<string, string>(
            options.Labels.Where(l => l.Key is not FixtureLabels.Fixture and not FixtureLabels.OwnerPid).ToDictionary(), StringComparer.Ordinal),
        LogOptions = new SortedDictionary<string, string>(options.LogOptions.ToDictionary(), StringComparer.Ordinal),
    };

    // Length-prefixed, so no two different sequences of parts hash alike.
    private static void Append(IncrementalHash hash, string part)
    {
        var bytes = Encoding.UTF8.GetBytes(part);
        hash.AppendData(BitConverter.GetBytes(bytes.Length));
        hash.AppendData(bytes);
    }
}
