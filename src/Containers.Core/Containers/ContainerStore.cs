using System.Security.Cryptography;
using System.Text.Json;
using Containers.Hosting;
using Containers.Internal;

namespace Containers.Containers;

/// <summary>
/// Keeps each container's files under <c>containers/&lt;id&gt;/</c>: <c>container.json</c> (how it was created),
/// <c>state.json</c> (what it is doing), <c>config.json</c> (its runtime specification), its log and engine-provided files.
/// </summary>
/// <remarks>Every write is atomic; transitions of one container take its lock, name changes take the names lock.</remarks>
internal sealed class ContainerStore
{
    private readonly StoreLayout _layout;

    public ContainerStore(StoreLayout layout)
    {
        _layout = layout;
        Directory.CreateDirectory(layout.Containers);
    }

    public string DirectoryOf(string id) => Path.Combine(_layout.Containers, id);

    /// <summary>Gets the layout of the store the containers live in.</summary>
    public StoreLayout Layout => _layout;

    public string LogPath(string id) => Path.Combine(DirectoryOf(id), "ctr.log");

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public IEnumerable<string> ListIds() =>
        Directory.EnumerateDirectories(_layout.Containers)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(id => id.Length == 64 && File.Exists(Path.Combine(_layout.Containers, id, "container.json")));

    // The records are a few hundred bytes: read synchronously. An asynchronous read on Linux runs on a thread-pool thread,
    // so every command paid a thread hop (and its first, the pool's start) per container file.
    public Task<ContainerRecord?> ReadRecordAsync(string id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = Path.Combine(DirectoryOf(id), "container.json");
        try
        {
            return Task.FromResult(JsonSerializer.Deserialize(File.ReadAllBytes(path), StateJsonContext.Default.ContainerRecord));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<ContainerRecord?>(null);
        }
    }

    public Task<ContainerState> ReadStateAsync(string id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = Path.Combine(DirectoryOf(id), "state.json");
        try
        {
            return Task.FromResult(JsonSerializer.Deserialize(File.ReadAllBytes(path), StateJsonContext.Default.ContainerState) ?? new ContainerState());
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult(new ContainerState());
        }
    }

    public Task WriteRecordAsync(ContainerRecord record, CancellationToken cancellationToken) =>
        AtomicFile.WriteAllBytesAsync(Path.Combine(DirectoryOf(record.Id), "container.json"), JsonSerializer.SerializeToUtf8Bytes(record, StateJsonContext.Default.ContainerRecord), cancellationToken);

    /// <summary>Replaces the container's state; its directory keeps a <see cref="SpaceReserve"/> so this still fits when its writable layer filled the disk.</summary>
    public async Task WriteStateAsync(string id, ContainerState state, CancellationToken cancellationToken)
    {
        await AtomicFile.WriteAllBytesAsync(Path.Combine(DirectoryOf(id), "state.json"), JsonSerializer.SerializeToUtf8Bytes(state, StateJsonContext.Default.ContainerState), cancellationToken).ConfigureAwait(false);
        SpaceReserve.Ensure(DirectoryOf(id));
    }

    /// <summary>Finds a container by full ID, name, or unique ID prefix.</summary>
    /// <exception cref="ContainerNotFoundException">None matches, or the prefix is ambiguous.</exception>
    public async Task<ContainerRecord> FindAsync(string nameOrId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrId);
        var wanted = nameOrId.TrimStart('/');
        if (wanted.Length == 64 && await ReadRecordAsync(wanted, cancellationToken).ConfigureAwait(false) is { } exact)
        {
            return exact;
        }

        var records = await ListAsync(cancellationToken).ConfigureAwait(false);
        if (records.FirstOrDefault(r => r.Name == wanted) is { } byName)
        {
            return byName;
        }

        var byPrefix = records.Where(r => r.Id.StartsWith(wanted, StringComparison.Ordinal)).ToList();
        return byPrefix.Count == 1 ? byPrefix[0] : throw new ContainerNotFoundException(nameOrId);
    }

    public async Task<List<ContainerRecord>> ListAsync(CancellationToken cancellationToken)
    {
        var records = new List<ContainerRecord>();
        foreach (var id in ListIds())
        {
            if (await ReadRecordAsync(id, cancellationToken).ConfigureAwait(false) is { } record)
            {
                records.Add(record);
            }
        }

        return records;
    }

    /// <summary>Takes the lock that serialises one container's state changes across processes.</summary>
    public Task<FileLock> LockAsync(string id, CancellationToken cancellationToken) =>
        FileLock.AcquireAsync(_layout.Lock("container-" + id), exclusive: true, _layout.LockTimeout, cancellationToken);

    /// <summary>Takes the container's lock when it is free; <see langword="null"/> while another operation holds it.</summary>
    public FileLock? TryLock(string id) => FileLock.TryAcquire(_layout.Lock("container-" + id), exclusive: true);

    /// <summary>Takes the lock that keeps container names unique across processes.</summary>
    public Task<FileLock> LockNamesAsync(CancellationToken cancellationToken) =>
        FileLock.AcquireAsync(_layout.Lock("container-names"), exclusive: true, _layout.LockTimeout, cancellationToken);

    public void Delete(string id)
    {
        // Gone from its place at once; its files are deleted in the background (recovery finishes that after a crash).
        StoreTrash.Delete(_layout, DirectoryOf(id));
        File.Delete(_layout.Lock("container-" + id));
    }
}
