using Containers.Archives;
using Containers.Archives.Tar;
using Containers.Content;
using Containers.Oci;
using Containers.Storage;

namespace Containers.Build;

/// <summary>One file of an image as its layers leave it: the header of the layer entry that made it last.</summary>
internal sealed record RootfsEntry(TarEntryKind Kind, int Mode, int Uid, int Gid, DateTimeOffset Modified, string LinkName, int Layer, string Name);

/// <summary>
/// The merged file tree of an image's layers, from their tar headers (whiteouts and opaque directories applied), so the
/// builder can resolve COPY destinations, read <c>/etc/passwd</c> and copy files out of another stage without mounting.
/// </summary>
internal sealed class RootfsIndex
{
    private readonly Dictionary<string, RootfsEntry> _entries;

    private RootfsIndex(Dictionary<string, RootfsEntry> entries, IReadOnlyList<Descriptor> layers)
    {
        _entries = entries;
        Layers = layers;
    }

    public static RootfsIndex Empty { get; } = new(new Dictionary<string, RootfsEntry>(StringComparer.Ordinal), []);

    public IReadOnlyList<Descriptor> Layers { get; }

    /// <summary>Returns the index with one more layer applied on top.</summary>
    public async Task<RootfsIndex> AddLayerAsync(IContentProvider content, Descriptor layer, CancellationToken cancellationToken)
    {
        var entries = new Dictionary<string, RootfsEntry>(_entries, StringComparer.Ordinal);
        var index = Layers.Count;
        var opaque = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await ForEachEntryAsync(content, layer, (entry, name) =>
        {
            var directory = name.Contains('/', StringComparison.Ordinal) ? name[..name.LastIndexOf('/')] : string.Empty;
            var file = name[(name.LastIndexOf('/') + 1)..];
            if (file == ".wh..wh..opq")
            {
                opaque.Add(directory);
            }
            else if (file.StartsWith(".wh.", StringComparison.Ordinal))
            {
                RemoveTree(entries, directory.Length == 0 ? file[4..] : directory + "/" + file[4..]);
            }
            else
            {
                if (entry.Kind != TarEntryKind.Directory || !entries.TryGetValue(name, out var existing) || existing.Kind != TarEntryKind.Directory)
                {
                    RemoveTree(entries, name);
                }

                entries[name] = new RootfsEntry(entry.Kind, entry.Mode, entry.Uid, entry.Gid, DateTimeOffset.FromUnixTimeSeconds(entry.ModificationSeconds), entry.LinkName, index, name);
                seen.Add(name);
            }

            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);

        // An opaque directory hides what lower layers held below it, whatever the order of the entries.
        foreach (var directory in opaque)
        {
            var prefix = directory.Length == 0 ? string.Empty : directory + "/";
            foreach (var key in entries.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k != directory && !seen.Contains(k)).ToList())
            {
                entries.Remove(key);
            }
        }

        return new RootfsIndex(entries, [.. Layers, layer]);
    }

    private static void RemoveTree(Dictionary<string, RootfsEntry> entries, string name)
    {
        if (entries.Remove(name, out var removed) && removed.Kind == TarEntryKind.Directory)
        {
            var prefix = name + "/";
            foreach (var key in entries.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            {
                entries.Remove(key);
            }
        }
    }

    /// <summary>Reads every entry of a layer, calling <paramref name="visit"/> with its normalised name; the entry's data may be read.</summary>
    public static async Task ForEachEntryAsync(IContentProvider content, Descriptor layer, Func<StrictTarEntry, string, Task> visit, CancellationToken cancellationToken)
    {
        MediaTypes.TryGetLayerCompression(layer.MediaType, out var compression);
        var blob = await content.OpenReadAsync(layer.Digest, cancellationToken).ConfigureAwait(false);
        await using (blob.ConfigureAwait(false))
        {
            var stream = Decompression.Open(blob, compression, leaveOpen: true);
            await using (stream.ConfigureAwait(false))
            {
                var reader = new StrictTarReader(stream);
                while (await reader.GetNextEntryAsync(cancellationToken).ConfigureAwait(false) is { } entry)
                {
                    if (ArchivePath.Normalize(entry.Name.TrimEnd('/')) is { } name)
                    {
                        await visit(entry, name).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    /// <summary>Gets the entry at a path as stored (no link followed); the root is <c>""</c>.</summary>
    public RootfsEntry? Get(string path) => _entries.GetValueOrDefault(path);

    /// <summary>Says whether the path exists; the root always does.</summary>
    public bool Exists(string path) => path.Length == 0 || _entries.ContainsKey(path);

    /// <summary>Resolves a path inside the image as a chrooted process would, following links (the last one too when asked).</summary>
    public string Resolve(string path, bool followLast = true) =>
        InRootPath.Walk(path, candidate => _entries.GetValueOrDefault(candidate) is { Kind: TarEntryKind.SymbolicLink } link ? link.LinkName : null, followLast)
            ?? throw new BuildException($"too many levels of symbolic links resolving {path} in the image");

    /// <summary>Lists the entries below a directory (all depths), parents before children.</summary>
    public IEnumerable<RootfsEntry> Descendants(string directory)
    {
        var prefix = directory.Length == 0 ? string.Empty : directory + "/";
        return _entries.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal) && e.Key.Length > prefix.Length)
            .OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Value);
    }

    /// <summary>Reads a small regular file (following links), or returns null when it is missing.</summary>
    public async Task<string?> ReadTextAsync(IContentProvider content, string path, CancellationToken cancellationToken)
    {
        var resolved = Resolve(path);
        if (Get(resolved) is not { } entry || entry.Kind is not (TarEntryKind.RegularFile or TarEntryKind.HardLink))
        {
            return null;
        }

        var target = entry.Kind == TarEntryKind.HardLink ? ArchivePath.Normalize(entry.LinkName) ?? resolved : resolved;
        var layer = Get(target)?.Layer ?? entry.Layer;
        string? text = null;
        await ForEachEntryAsync(content, Layers[layer], async (e, name) =>
        {
            if (name == target && e.Kind == TarEntryKind.RegularFile)
            {
                using var reader = new StreamReader(e.Data);
                text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
        return text;
    }

    /// <summary>Copies the data of regular files (hard links resolved) into files under <paramref name="directory"/>, reading each layer once.</summary>
    /// <returns>The scratch path of each copied path.</returns>
    public async Task<Dictionary<string, string>> ExtractAsync(IContentProvider content, IReadOnlyCollection<string> paths, string directory, CancellationToken cancellationToken)
    {
        var wanted = new Dictionary<string, List<string>>(StringComparer.Ordinal); // stored name -> paths it provides
        foreach (var path in paths)
        {
            var entry = Get(path)!;
            var source = entry.Kind == TarEntryKind.HardLink ? ArchivePath.Normalize(entry.LinkName) ?? path : path;
            if (!wanted.TryGetValue(source, out var list))
            {
                wanted[source] = list = [];
            }

            list.Add(path);
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var counter = 0;
        foreach (var layer in wanted.Keys.Select(k => Get(k)?.Layer).OfType<int>().Distinct().Order())
        {
            await ForEachEntryAsync(content, Layers[layer], async (e, name) =>
            {
                if (e.Kind == TarEntryKind.RegularFile && wanted.TryGetValue(name, out var targets) && Get(name)?.Layer == layer)
                {
                    var file = Path.Combine(directory, (counter++).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    var output = File.Create(file);
                    await using (output.ConfigureAwait(false))
                    {
                        await e.Data.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                    }

                    foreach (var target in targets)
                    {
                        result[target] = file;
                    }
                }
            }, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }
}
