using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Containers.Content;
using Containers.Images;
using Containers.Oci;

namespace Containers.Build;

/// <summary>What a build step produced: when, and the layer when it made one.</summary>
internal sealed record BuildCacheEntry
{
    public DateTimeOffset Created { get; init; }

    public string? LayerDigest { get; init; }

    public long LayerSize { get; init; }

    public string? LayerMediaType { get; init; }

    public string? DiffId { get; init; }
}

[JsonSerializable(typeof(BuildCacheEntry))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class BuildJsonContext : JsonSerializerContext;

/// <summary>
/// The build cache: one small file per step under <c>root/build-cache</c>, named by the hash of the step's inputs (the
/// parent step's key, the expanded instruction, the build arguments it sees, the content of the files it copies). A
/// step's layer is reused only while its blob is still in the content store. An entry is written in the build's
/// scratch directory, then renamed into place, so a killed build leaves neither a torn entry nor a temporary file.
/// </summary>
internal sealed class BuildCache(string directory, string scratch, IContentProvider content)
{
    public static string Key(string parent, string step) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(parent + "\n" + step)));

    public async Task<BuildCacheEntry?> FindAsync(string key, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, key + ".json");
        BuildCacheEntry? entry;
        try
        {
            entry = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), BuildJsonContext.Default.BuildCacheEntry);
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null; // missing or torn: the step runs again
        }

        if (entry?.LayerDigest is { } digest && await content.GetInfoAsync(Digest.Parse(digest), cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        return entry;
    }

    public async Task StoreAsync(string key, BuildCacheEntry entry, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, key + ".json");
        var temp = Path.Combine(scratch, key + "." + Guid.NewGuid().ToString("N") + ".tmp");
        await File.WriteAllBytesAsync(temp, JsonSerializer.SerializeToUtf8Bytes(entry, BuildJsonContext.Default.BuildCacheEntry), cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
    }

    public static BuildCacheEntry ForLayer(Descriptor layer, Digest diffId, DateTimeOffset created) => new()
    {
        Created = created,
        LayerDigest = layer.Digest.ToString(),
        LayerSize = layer.Size,
        LayerMediaType = layer.MediaType,
        DiffId = diffId.ToString(),
    };

    public static (Descriptor Layer, Digest DiffId)? LayerOf(BuildCacheEntry entry) => entry.LayerDigest is null
        ? null
        : (new Descriptor { MediaType = entry.LayerMediaType ?? MediaTypes.OciLayer, Digest = Digest.Parse(entry.LayerDigest), Size = entry.LayerSize }, Digest.Parse(entry.DiffId!));
}
