using System.Security.Cryptography;
using System.Text.Json;
using Containers.Hosting;
using Containers.Internal;

namespace Containers.Networks;

/// <summary>
/// Keeps each network as <c>networks/&lt;name&gt;.json</c>. Every change takes one lock for the whole root, then reads,
/// changes and atomically rewrites the files, so two processes never hand out one address or one name twice.
/// </summary>
internal sealed class NetworkStore(StoreLayout layout)
{
    public Task<FileLock> LockAsync(CancellationToken cancellationToken) =>
        FileLock.AcquireAsync(layout.Lock("networks"), exclusive: true, cancellationToken);

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public async Task<List<NetworkDetails>> ListAsync(CancellationToken cancellationToken)
    {
        var networks = new List<NetworkDetails>();
        if (!Directory.Exists(layout.Networks))
        {
            return networks;
        }

        foreach (var path in Directory.EnumerateFiles(layout.Networks, "*.json").Order(StringComparer.Ordinal))
        {
            if (await ReadAsync(path, cancellationToken).ConfigureAwait(false) is { } network)
            {
                networks.Add(network);
            }
        }

        return networks;
    }

    /// <summary>Replaces a network's file; the directory keeps a <see cref="SpaceReserve"/>, so releasing a container's address still fits on a full disk.</summary>
    public async Task WriteAsync(NetworkDetails network, CancellationToken cancellationToken)
    {
        await AtomicFile.WriteAllBytesAsync(PathOf(network.Name), JsonSerializer.SerializeToUtf8Bytes(network, NetworkJsonContext.Default.NetworkDetails), cancellationToken).ConfigureAwait(false);
        SpaceReserve.Ensure(Path.GetDirectoryName(PathOf(network.Name))!);
    }

    public void Delete(string name) => File.Delete(PathOf(name));

    private string PathOf(string name) => Path.Combine(layout.Networks, name + ".json");

    private static async Task<NetworkDetails?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize(bytes, NetworkJsonContext.Default.NetworkDetails);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
