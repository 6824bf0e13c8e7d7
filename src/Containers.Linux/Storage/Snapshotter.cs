using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Containers.Hosting;
using Containers.Images;
using Containers.Storage;

namespace Containers.Linux.Storage;

/// <summary>
/// The bookkeeping both storage drivers share: committed snapshots in <c>layers/&lt;chain-id&gt;/</c> (with
/// <c>committed</c> and <c>parent</c> files, as the layer unpack writes them), active and view snapshots in
/// <c>snapshots/&lt;key&gt;/</c> (with <c>kind</c> and <c>parent</c> files). Subclasses decide how content is stored and shown.
/// A commit holds the layer's lock (<c>layer-&lt;hex&gt;</c>, the one the layer unpack takes), so processes sharing the
/// store commit a chain ID once.
/// </summary>
internal abstract partial class Snapshotter(StoreLayout layout, string name) : IStorageDriver
{
    private readonly string _root = Path.Combine(layout.Storage, name);

    public string Name => name;

    protected string LayerDirectory(Digest chainId) => Path.Combine(_root, "layers", chainId.Encoded);

    /// <summary>Returns the directory of an active or view snapshot; it exists only when the snapshot does.</summary>
    protected string SnapshotDirectory(string key) => Path.Combine(_root, "snapshots", ValidKey(key));

    public async Task<IReadOnlyList<StorageMount>> PrepareAsync(string key, string? parent, CancellationToken cancellationToken = default) =>
        await CreateAsync(key, parent, SnapshotKind.Active, cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<StorageMount>> ViewAsync(string key, string? parent, CancellationToken cancellationToken = default) =>
        await CreateAsync(key, parent, SnapshotKind.View, cancellationToken).ConfigureAwait(false);

    private async Task<IReadOnlyList<StorageMount>> CreateAsync(string key, string? parent, SnapshotKind kind, CancellationToken cancellationToken)
    {
        var directory = SnapshotDirectory(key);
        var chain = parent is null ? [] : Chain(Committed(parent));
        if (Directory.Exists(directory))
        {
            throw new InvalidOperationException($"snapshot '{key}' exists already: remove it or use another key");
        }

        var staging = directory + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(staging);
        try
        {
            await CreateContentAsync(staging, chain, kind, cancellationToken).ConfigureAwait(false);
            File.WriteAllText(Path.Combine(staging, "parent"), parent ?? string.Empty); // one line each: no thread-pool hop
            File.WriteAllText(Path.Combine(staging, "kind"), kind.ToString());
            Directory.Move(staging, directory);
        }
        catch (Exception error)
        {
            Directory.Delete(staging, recursive: true);
            if (error is IOException && Directory.Exists(directory))
            {
                // A concurrent call with the same key won the rename.
                throw new InvalidOperationException($"snapshot '{key}' exists already: remove it or use another key", error);
            }

            throw;
        }

        return Mounts(directory, kind, chain);
    }

    public async Task CommitAsync(string name, string key, CancellationToken cancellationToken = default)
    {
        var chainId = Digest.Parse(name);
        var (directory, kind, parent) = Active(key);
        if (kind != SnapshotKind.Active)
        {
            throw new SnapshotNotFoundException(key, "active");
        }

        var destination = LayerDirectory(chainId);
        using var held = await FileLock.AcquireAsync(layout.Lock("layer-" + chainId.Encoded), exclusive: true, cancellationToken).ConfigureAwait(false);
        if (!Directory.Exists(directory))
        {
            throw new SnapshotNotFoundException(key, "active"); // committed meanwhile by a concurrent call
        }

        if (File.Exists(Path.Combine(destination, "committed")))
        {
            throw new InvalidOperationException($"snapshot '{name}' is committed already: remove it first or commit under another chain ID");
        }

        if (Directory.Exists(destination))
        {
            Directory.Delete(destination, recursive: true); // an uncommitted leftover
        }

        Directory.CreateDirectory(destination);
        CommitContent(directory, destination);
        await File.WriteAllTextAsync(Path.Combine(destination, "parent"), parent ?? string.Empty, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(destination, "committed"), name, cancellationToken).ConfigureAwait(false);
        Directory.Delete(directory, recursive: true);
    }

    public Task<IReadOnlyList<StorageMount>> MountsAsync(string key, CancellationToken cancellationToken = default)
    {
        var (directory, kind, parent) = Active(key);
        return Task.FromResult(Mounts(directory, kind, parent is null ? [] : Chain(Committed(parent))));
    }

    public async Task RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        if (Digest.TryParse(key, out var chainId))
        {
            var directory = LayerDirectory(chainId);
            if (!Directory.Exists(directory))
            {
                return;
            }

            var children = await WalkAsync(cancellationToken).Where(s => s.Parent == key).Select(s => s.Key).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (children.Count > 0)
            {
                throw new InvalidOperationException($"snapshot '{key}' is the parent of {string.Join(", ", children)}: remove those first");
            }

            Directory.Delete(directory, recursive: true);
            return;
        }

        // Gone from the snapshots at once (one rename); its content is deleted in the background.
        StoreTrash.Delete(layout, SnapshotDirectory(key));
    }

    public async Task<SnapshotInfo> StatAsync(string key, CancellationToken cancellationToken = default)
    {
        if (Digest.TryParse(key, out var chainId))
        {
            var parent = Path.Combine(Committed(chainId.ToString()), "parent");
            var text = File.Exists(parent) ? (await File.ReadAllTextAsync(parent, cancellationToken).ConfigureAwait(false)).Trim() : string.Empty;
            return new SnapshotInfo(chainId.ToString(), text.Length == 0 ? null : text, SnapshotKind.Committed);
        }

        var (_, kind, active) = Active(key);
        return new SnapshotInfo(key, active, kind);
    }

    public Task<SnapshotUsage> UsageAsync(string key, CancellationToken cancellationToken = default)
    {
        var directory = Digest.TryParse(key, out var chainId) ? Committed(chainId.ToString()) : Active(key).Directory;
        var (size, inodes) = DirectoryTree.Usage(directory);
        return Task.FromResult(new SnapshotUsage(size, inodes));
    }

    public async IAsyncEnumerable<SnapshotInfo> WalkAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var directory in Enumerate("layers"))
        {
            if (File.Exists(Path.Combine(directory, "committed")))
            {
                var parent = Path.Combine(directory, "parent");
                var text = File.Exists(parent) ? await File.ReadAllTextAsync(parent, cancellationToken).ConfigureAwait(false) : string.Empty;
                yield return new SnapshotInfo("sha256:" + Path.GetFileName(directory), text.Length == 0 ? null : text, SnapshotKind.Committed);
            }
        }

        foreach (var directory in Enumerate("snapshots"))
        {
            if (!Path.GetFileName(directory).Contains(".tmp-", StringComparison.Ordinal) && File.Exists(Path.Combine(directory, "kind")))
            {
                var (_, kind, parent) = Active(Path.GetFileName(directory));
                yield return new SnapshotInfo(Path.GetFileName(directory), parent, kind);
            }
        }
    }

    private IEnumerable<string> Enumerate(string folder) =>
        Directory.Exists(Path.Combine(_root, folder)) ? Directory.EnumerateDirectories(Path.Combine(_root, folder)) : [];

    /// <summary>Creates an active or view snapshot's content in <paramref name="directory"/> on the committed layers (base first).</summary>
    protected abstract Task CreateContentAsync(string directory, IReadOnlyList<string> chain, SnapshotKind kind, CancellationToken cancellationToken);

    /// <summary>Returns the mounts that show a snapshot.</summary>
    protected abstract IReadOnlyList<StorageMount> Mounts(string directory, SnapshotKind kind, IReadOnlyList<string> chain);

    /// <summary>Moves an active snapshot's content into a committed layer directory.</summary>
    protected abstract void CommitContent(string snapshot, string layer);

    /// <summary>Returns the directory of a committed snapshot.</summary>
    private string Committed(string name) =>
        Digest.TryParse(name, out var chainId) && File.Exists(Path.Combine(LayerDirectory(chainId), "committed"))
            ? LayerDirectory(chainId)
            : throw new SnapshotNotFoundException(name, "committed");

    /// <summary>Returns a committed snapshot's layer directories and its parents', base first.</summary>
    private List<string> Chain(string committed)
    {
        var chain = new List<string>();
        for (var directory = committed; ;)
        {
            chain.Insert(0, directory);
            var parent = Path.Combine(directory, "parent");
            if (!File.Exists(parent) || File.ReadAllText(parent).Trim() is not { Length: > 0 } text)
            {
                return chain;
            }

            directory = Committed(text);
        }
    }

    private (string Directory, SnapshotKind Kind, string? Parent) Active(string key)
    {
        var directory = SnapshotDirectory(key);
        var kindFile = Path.Combine(directory, "kind");
        if (!File.Exists(kindFile))
        {
            throw new SnapshotNotFoundException(key, "active or view");
        }

        var parent = File.ReadAllText(Path.Combine(directory, "parent")).Trim();
        return (directory, Enum.Parse<SnapshotKind>(File.ReadAllText(kindFile).Trim()), parent.Length == 0 ? null : parent);
    }

    private static string ValidKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return KeyPattern().IsMatch(key) ? key : throw new ArgumentException($"snapshot key '{key}' must be letters, digits, '_', '.' and '-' (at most 128)", nameof(key));
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex KeyPattern();
}
