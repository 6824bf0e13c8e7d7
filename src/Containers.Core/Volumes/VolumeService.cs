using System.Text.Json;
using Containers.Containers;
using Containers.Hosting;
using Containers.Internal;
using Microsoft.Extensions.Logging;
using Containers.Storage;

namespace Containers.Volumes;

/// <summary>
/// The engine's <see cref="IVolumeService"/>: each volume is <c>volumes/&lt;name&gt;/_data</c> with its <c>volume.json</c>.
/// Which containers use a volume is read from the containers' records, so it is right across processes.
/// </summary>
internal sealed partial class VolumeService : IVolumeService
{
    /// <summary>The only driver: a directory under the store root.</summary>
    public const string LocalDriver = "local";

    private readonly StoreLayout _layout;
    private readonly ContainerStore _containers;
    private readonly ILogger _logger;

    public VolumeService(StoreLayout layout, ContainerStore containers, ILogger<VolumeService> logger)
    {
        _layout = layout;
        _containers = containers;
        _logger = logger;
        Directory.CreateDirectory(layout.Volumes);
    }

    /// <summary>Gets the host directory of a volume's data.</summary>
    public string DataPath(string name) => Path.Combine(_layout.Volumes, name, "_data");

    /// <summary>Takes the lock under which volumes are created, removed, and claimed by new containers.</summary>
    public Task<FileLock> LockAsync(CancellationToken cancellationToken) =>
        FileLock.AcquireAsync(_layout.Lock("volumes"), exclusive: true, cancellationToken);

    public async Task<VolumeDetails> CreateAsync(VolumeCreateOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new VolumeCreateOptions();
        CheckDriver(options.Driver);
        var name = options.Name is null ? VolumeNames.NewAnonymous() : VolumeNames.Validate(options.Name);
        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            var record = await CreateLockedAsync(name, options, anonymous: false, cancellationToken).ConfigureAwait(false);
            return Describe(record, await UsersAsync(cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>Creates the volume unless it exists; the caller holds <see cref="LockAsync"/>.</summary>
    public async Task<VolumeRecord> CreateLockedAsync(string name, VolumeCreateOptions options, bool anonymous, CancellationToken cancellationToken)
    {
        if (await ReadAsync(name, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return existing;
        }

        var record = new VolumeRecord
        {
            Name = name,
            Driver = options.Driver,
            CreatedAt = DateTimeOffset.UtcNow,
            Labels = options.Labels,
            Options = options.DriverOptions,
            Anonymous = anonymous,
        };

        // _data first, then the record: a volume.json always has its data directory, and a crash leaves at most an orphan directory.
        Directory.CreateDirectory(DataPath(name));
        await AtomicFile.WriteAllBytesAsync(RecordPath(name), JsonSerializer.SerializeToUtf8Bytes(record, VolumeJsonContext.Default.VolumeRecord), cancellationToken).ConfigureAwait(false);
        LogCreated(_logger, name);
        return record;
    }

    public async Task<IReadOnlyList<VolumeDetails>> ListAsync(VolumeListOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new VolumeListOptions();
        var users = await UsersAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<VolumeDetails>();
        foreach (var record in await ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            var details = Describe(record, users);
            if (Matches(details, options))
            {
                result.Add(details);
            }
        }

        return result.OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<VolumeDiskUsage> GetDiskUsageAsync(CancellationToken cancellationToken = default)
    {
        var volumes = await ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var sizes = volumes.Select(v => (v.UsedBy.Count > 0, DirectoryTree.Size(DataPath(v.Name)))).ToList();
        return new VolumeDiskUsage(volumes.Count, sizes.Count(s => s.Item1), sizes.Sum(s => s.Item2), sizes.Where(s => !s.Item1).Sum(s => s.Item2));
    }

    public async Task<VolumeDetails> InspectAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var record = (VolumeNames.IsValid(name) ? await ReadAsync(name, cancellationToken).ConfigureAwait(false) : null) ?? throw new VolumeNotFoundException(name);
        return Describe(record, await UsersAsync(cancellationToken).ConfigureAwait(false));
    }

    public async Task RemoveAsync(string name, bool force = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!VolumeNames.IsValid(name))
        {
            throw new VolumeNotFoundException(name);
        }

        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await ReadAsync(name, cancellationToken).ConfigureAwait(false) is null)
            {
                throw new VolumeNotFoundException(name);
            }

            var users = await UsersAsync(cancellationToken).ConfigureAwait(false);
            if (!force && users.TryGetValue(name, out var ids) && ids.Count > 0)
            {
                throw new VolumeInUseException(name, ids);
            }

            Delete(name);
        }
    }

    public async Task<VolumePruneResult> PruneAsync(bool all = false, IReadOnlyList<string>? labels = null, CancellationToken cancellationToken = default)
    {
        var removed = new List<string>();
        long reclaimed = 0;
        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            var users = await UsersAsync(cancellationToken).ConfigureAwait(false);
            var filter = new VolumeListOptions { Labels = labels ?? [], Dangling = true };
            foreach (var record in await ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if ((all || record.Anonymous) && Matches(Describe(record, users), filter))
                {
                    reclaimed += DirectoryTree.Size(DataPath(record.Name));
                    Delete(record.Name);
                    removed.Add(record.Name);
                }
            }
        }

        return new VolumePruneResult { Removed = removed, SpaceReclaimed = reclaimed };
    }

    /// <summary>Removes the volume when it is anonymous and no container uses it any more; the caller holds <see cref="LockAsync"/>.</summary>
    public async Task RemoveAnonymousLockedAsync(string name, CancellationToken cancellationToken)
    {
        if (await ReadAsync(name, cancellationToken).ConfigureAwait(false) is not { Anonymous: true })
        {
            return;
        }

        var users = await UsersAsync(cancellationToken).ConfigureAwait(false);
        if (!users.TryGetValue(name, out var ids) || ids.Count == 0)
        {
            Delete(name);
        }
    }

    public async Task<VolumeRecord?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await File.ReadAllBytesAsync(RecordPath(name), cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize(bytes, VolumeJsonContext.Default.VolumeRecord);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static void CheckDriver(string driver)
    {
        if (driver != LocalDriver)
        {
            throw new NotSupportedException($"volume driver '{driver}' is not available: only 'local' is");
        }
    }

    private static bool Matches(VolumeDetails volume, VolumeListOptions options)
    {
        if (options.Dangling is { } dangling && dangling != (volume.UsedBy.Count == 0))
        {
            return false;
        }

        if (options.Name is { } part && !volume.Name.Contains(part, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var label in options.Labels)
        {
            var eq = label.IndexOf('=', StringComparison.Ordinal);
            var matches = eq < 0
                ? volume.Labels.ContainsKey(label)
                : volume.Labels.TryGetValue(label[..eq], out var value) && value == label[(eq + 1)..];
            if (!matches)
            {
                return false;
            }
        }

        return true;
    }

    private string RecordPath(string name) => Path.Combine(_layout.Volumes, name, "volume.json");

    private async Task<List<VolumeRecord>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var records = new List<VolumeRecord>();
        foreach (var directory in Directory.EnumerateDirectories(_layout.Volumes))
        {
            var name = Path.GetFileName(directory);
            if (VolumeNames.IsValid(name) && await ReadAsync(name, cancellationToken).ConfigureAwait(false) is { } record)
            {
                records.Add(record);
            }
        }

        return records;
    }

    /// <summary>Maps each volume name to the IDs of the containers whose records mount it.</summary>
    private async Task<Dictionary<string, List<string>>> UsersAsync(CancellationToken cancellationToken)
    {
        var users = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var container in await _containers.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var mount in container.Options.Mounts.Where(m => m.Type == MountType.Volume && m.Source is not null))
            {
                if (!users.TryGetValue(mount.Source!, out var ids))
                {
                    users[mount.Source!] = ids = [];
                }

                ids.Add(container.Id);
            }
        }

        return users;
    }

    private VolumeDetails Describe(VolumeRecord record, Dictionary<string, List<string>> users) => new()
    {
        Name = record.Name,
        Driver = record.Driver,
        Mountpoint = DataPath(record.Name),
        CreatedAt = record.CreatedAt,
        Labels = record.Labels,
        Options = record.Options,
        Anonymous = record.Anonymous,
        UsedBy = users.TryGetValue(record.Name, out var ids) ? ids : [],
    };

    /// <summary>Deletes the record first, so a crash part-way leaves an orphan directory rather than a volume with half its data.</summary>
    private void Delete(string name)
    {
        File.Delete(RecordPath(name));
        var directory = Path.Combine(_layout.Volumes, name);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        LogRemoved(_logger, name);
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Created volume {Name}")]
    private static partial void LogCreated(ILogger logger, string name);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "Removed volume {Name}")]
    private static partial void LogRemoved(ILogger logger, string name);
}
