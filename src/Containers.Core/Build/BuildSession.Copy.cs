using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Containers.Archives.Tar;
using Containers.Images;
using Containers.Internal;
using Containers.Oci;

namespace Containers.Build;

/// <summary>
/// COPY and ADD: the files are resolved against the context (or another stage or image) when planning, so their content
/// is part of the cache key, and written straight into a layer tar when the step runs.
/// </summary>
internal sealed partial class BuildSession
{
    private async Task<StepPlan> PlanCopyAsync(DockerfileStage stage, StageState state, CopyInstruction copy, CancellationToken cancellationToken)
    {
        string Word(string raw) => Expand(copy, raw, state.Lookup);
        var index = await IndexAsync(state.Layers, cancellationToken).ConfigureAwait(false);
        var workdir = state.Config.WorkingDir is { Length: > 0 } w ? w : "/";
        var destination = Word(copy.Destination);
        var absolute = destination.StartsWith('/') ? destination : workdir + "/" + destination;
        var dest = index.Resolve(LexicalPath.Clean(absolute));
        var destIsDirectory = destination.EndsWith('/') || destination is "." or ".." || destination.EndsWith("/.", StringComparison.Ordinal)
            || copy.Sources.Count > 1 || dest.Length == 0 || index.Get(dest)?.Kind == TarEntryKind.Directory;

        var (uid, gid) = (0, 0);
        var chown = copy.Chown is null ? null : Word(copy.Chown);
        if (chown is not null)
        {
            var passwd = await index.ReadTextAsync(Content, "/etc/passwd", cancellationToken).ConfigureAwait(false);
            var group = await index.ReadTextAsync(Content, "/etc/group", cancellationToken).ConfigureAwait(false);
            (uid, gid) = ChownSpec.Resolve(chown, passwd, group);
        }

        int? chmod = null;
        if (copy.Chmod is not null)
        {
            var text = Word(copy.Chmod);
            chmod = text.Length is > 0 and <= 4 && text.All(c => c is >= '0' and <= '7') ? Convert.ToInt32(text, 8)
                : throw new DockerfileSyntaxException(_dockerfile.FileName, copy.Line, copy.Keyword, $"invalid --chmod '{text}': give an octal mode, as --chmod=0755");
        }

        var owner = new Owner(uid, gid, chown is not null, chmod);
        var items = new List<CopyItem>();
        RootfsIndex? fromIndex = null;
        var fromKey = string.Empty;
        if (copy.From is { } fromRaw)
        {
            var from = Word(fromRaw);
            var layers = FindEarlierStage(stage, from) is { } source
                ? (await StageAsync(source.Index, cancellationToken).ConfigureAwait(false)).Layers
                : (await BaseImageAsync(from, null, cancellationToken).ConfigureAwait(false)).Manifest.Layers;
            fromIndex = await IndexAsync(layers, cancellationToken).ConfigureAwait(false);
            fromKey = " --from=" + string.Join(',', layers.Select(l => l.Digest.ToString()));
            foreach (var raw in copy.Sources)
            {
                AddImageSources(copy, fromIndex, Word(raw), dest, destIsDirectory, owner, items);
            }
        }
        else
        {
            foreach (var raw in copy.Sources)
            {
                if (copy.Heredocs.FirstOrDefault(h => DockerfileLines.HeredocMarker().Match(raw) is { Success: true } m && m.Length == raw.Length && raw.Contains(h.Name, StringComparison.Ordinal)) is { } heredoc)
                {
                    var content = heredoc.Expand ? ExpandHeredoc(copy, heredoc.Content, state.Lookup) : heredoc.Content;
                    var target = destIsDirectory ? Join(dest, heredoc.Name) : dest;
                    items.Add(new CopyItem(target, TarEntryKind.RegularFile, owner.Mode(0x1A4), uid, gid, DateTimeOffset.UtcNow, string.Empty, Hash(content)) { Text = content });
                    continue;
                }

                await AddContextSourcesAsync(copy, Word(raw), dest, destIsDirectory, owner, items, cancellationToken).ConfigureAwait(false);
            }
        }

        var key = new StringBuilder(copy.Keyword).Append(fromKey).Append(" dest=").Append(dest).Append(destIsDirectory ? "/" : string.Empty);
        foreach (var item in items)
        {
            key.Append('\n').Append(item.Target).Append(' ').Append(item.Kind).Append(' ').Append(item.Mode).Append(' ').Append(item.Uid).Append(':').Append(item.Gid)
                .Append(' ').Append(item.LinkName).Append(' ').Append(item.Hash).Append(item.IsArchive ? " archive" : string.Empty);
        }

        var createdBy = copy.Keyword + " " + string.Join(' ', copy.Sources) + " " + destination;
        return new StepPlan(key.ToString(), createdBy, c => c)
        {
            Execute = (_, _, ct) => WriteCopyLayerAsync(index, fromIndex, dest, destIsDirectory, owner, items, ct),
        };
    }

    /// <summary>Ownership and mode rules of one COPY: root unless --chown, the source's mode unless --chmod.</summary>
    private sealed record Owner(int Uid, int Gid, bool Chowned, int? Chmod)
    {
        public int Mode(int mode) => Chmod ?? mode;
    }

    private static string Join(string directory, string name) => directory.Length == 0 ? name : directory + "/" + name;

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private async Task AddContextSourcesAsync(CopyInstruction copy, string source, string dest, bool destIsDirectory, Owner owner, List<CopyItem> items, CancellationToken cancellationToken)
    {
        if (copy.IsAdd && (source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("git@", StringComparison.Ordinal)))
        {
            throw new BuildException($"{_dockerfile.FileName}:{copy.Line}: ADD {source}: adding from a URL is not supported by this builder; download it in a RUN step (wget, curl) or download it next to the Dockerfile and COPY it");
        }

        var pattern = LexicalPath.Clean(source);
        List<string> matches;
        if (IsGlob(pattern))
        {
            // A directory the glob matches brings its content; its children are not matched again.
            var glob = DockerIgnore.ToRegex(pattern, doubleStar: false);
            var matched = _context.Entries.Where(e => glob.IsMatch(e)).ToList();
            matches = matched.Where(e => !matched.Any(p => e.StartsWith(p + "/", StringComparison.Ordinal))).ToList();
        }
        else
        {
            matches = pattern.Length == 0 || _context.Entries.Contains(pattern) ? [pattern] : [];
        }

        if (matches.Count == 0)
        {
            throw new BuildException($"{_dockerfile.FileName}:{copy.Line}: {copy.Keyword} {source}: no such file in the build context; check the path and .dockerignore");
        }

        destIsDirectory |= matches.Count > 1;
        foreach (var match in matches)
        {
            var info = Resolve(new FileInfo(_context.FullPath(match)));
            if (info is DirectoryInfo || match.Length == 0)
            {
                var prefix = match.Length == 0 ? string.Empty : match + "/";
                foreach (var entry in _context.Entries.Where(e => e.StartsWith(prefix, StringComparison.Ordinal)))
                {
                    items.Add(await ContextItemAsync(new FileInfo(_context.FullPath(entry)), Join(dest, entry[prefix.Length..]), owner, cancellationToken).ConfigureAwait(false));
                }

                continue;
            }

            var name = Path.GetFileName(match);
            if (copy.IsAdd && await ArchiveDetector.IsArchiveAsync(info.FullName, cancellationToken).ConfigureAwait(false))
            {
                var item = await ContextItemAsync(info, dest, owner, cancellationToken).ConfigureAwait(false);
                items.Add(item with { IsArchive = true });
                continue;
            }

            items.Add(await ContextItemAsync(info, destIsDirectory ? Join(dest, name) : dest, owner, cancellationToken).ConfigureAwait(false));
        }
    }

    private static bool IsGlob(string pattern) => pattern.IndexOfAny(['*', '?', '[']) >= 0;

    /// <summary>Follows a top-level source link to what it names, as Docker copies the target of a named link.</summary>
    private static FileSystemInfo Resolve(FileInfo info)
    {
        if (info.LinkTarget is null)
        {
            return Directory.Exists(info.FullName) ? new DirectoryInfo(info.FullName) : info;
        }

        var target = info.ResolveLinkTarget(returnFinalTarget: true);
        return target is null || !target.Exists ? info : Directory.Exists(target.FullName) ? new DirectoryInfo(target.FullName) : target;
    }

    private static async Task<CopyItem> ContextItemAsync(FileSystemInfo info, string target, Owner owner, CancellationToken cancellationToken)
    {
        var modified = new DateTimeOffset(info.LastWriteTimeUtc);
        if (info.LinkTarget is { } link)
        {
            return new CopyItem(target, TarEntryKind.SymbolicLink, 0x1FF, owner.Uid, owner.Gid, modified, link, link);
        }

        var mode = owner.Mode((int)info.UnixFileMode);
        if (Directory.Exists(info.FullName))
        {
            return new CopyItem(target, TarEntryKind.Directory, mode, owner.Uid, owner.Gid, modified, string.Empty, string.Empty);
        }

        string hash;
        var stream = File.OpenRead(info.FullName);
        await using (stream.ConfigureAwait(false))
        {
            hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }

        return new CopyItem(target, TarEntryKind.RegularFile, mode, owner.Uid, owner.Gid, modified, string.Empty, hash) { SourceFile = info.FullName };
    }

    private void AddImageSources(CopyInstruction copy, RootfsIndex from, string source, string dest, bool destIsDirectory, Owner owner, List<CopyItem> items)
    {
        var pattern = LexicalPath.Clean(source);
        List<string> matches;
        if (IsGlob(pattern))
        {
            var glob = DockerIgnore.ToRegex(pattern, doubleStar: false);
            matches = from.Descendants(string.Empty).Select(e => e.Name).Where(n => glob.IsMatch(n)).ToList();
        }
        else
        {
            var resolved = from.Resolve(pattern);
            matches = from.Exists(resolved) ? [resolved] : [];
        }

        if (matches.Count == 0)
        {
            throw new BuildException($"{_dockerfile.FileName}:{copy.Line}: {copy.Keyword} --from={copy.From} {source}: no such file in the source stage or image");
        }

        destIsDirectory |= matches.Count > 1;
        foreach (var match in matches)
        {
            var entry = from.Get(match);
            if (entry is null || entry.Kind == TarEntryKind.Directory)
            {
                foreach (var child in from.Descendants(match))
                {
                    items.Add(ImageItem(child, Join(dest, match.Length == 0 ? child.Name : child.Name[(match.Length + 1)..]), owner));
                }

                continue;
            }

            items.Add(ImageItem(entry, destIsDirectory ? Join(dest, match[(match.LastIndexOf('/') + 1)..]) : dest, owner));
        }
    }

    private static CopyItem ImageItem(RootfsEntry entry, string target, Owner owner)
    {
        var kind = entry.Kind == TarEntryKind.HardLink ? TarEntryKind.RegularFile : entry.Kind;
        var mode = kind == TarEntryKind.SymbolicLink ? 0x1FF : owner.Mode(entry.Mode);
        return new CopyItem(target, kind, mode, owner.Uid, owner.Gid, entry.Modified, entry.LinkName, string.Empty) { ImagePath = kind == TarEntryKind.RegularFile ? entry.Name : null };
    }

    private async Task<(Descriptor Layer, Digest DiffId)> WriteCopyLayerAsync(RootfsIndex index, RootfsIndex? from, string dest, bool destIsDirectory, Owner owner, List<CopyItem> items, CancellationToken cancellationToken)
    {
        var scratch = Path.Combine(_services.TempDirectory, "build-copy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            var extracted = from is null ? [] : await from.ExtractAsync(Content, items.Where(i => i.ImagePath is not null).Select(i => i.ImagePath!).ToHashSet(), scratch, cancellationToken).ConfigureAwait(false);
            var layer = new LayerWriter(await Content.BeginWriteAsync(DigestAlgorithm.Sha256, cancellationToken).ConfigureAwait(false));
            await using (layer.ConfigureAwait(false))
            {
                var now = DateTimeOffset.UtcNow;
                var byTarget = new Dictionary<string, CopyItem>(StringComparer.Ordinal);
                foreach (var item in items)
                {
                    byTarget[item.Target] = item;
                }

                // Missing directories are created 0755: those above the destination owned by root, the destination and
                // what is below it by the --chown user, as buildah does.
                var directories = new SortedSet<string>(StringComparer.Ordinal);
                foreach (var target in byTarget.Keys.Append(destIsDirectory || byTarget.Values.Any(i => i.IsArchive) ? dest + "/x" : dest))
                {
                    for (var slash = target.IndexOf('/'); slash > 0; slash = target.IndexOf('/', slash + 1))
                    {
                        directories.Add(target[..slash]);
                    }
                }

                foreach (var directory in directories.Where(d => !index.Exists(d) && !byTarget.ContainsKey(d)))
                {
                    var above = dest.StartsWith(directory + "/", StringComparison.Ordinal) || directory.Length < dest.Length && dest.Length > 0 && dest.StartsWith(directory, StringComparison.Ordinal) && dest[directory.Length] == '/';
                    byTarget[directory] = new CopyItem(directory, TarEntryKind.Directory, 0x1ED, above ? 0 : owner.Uid, above ? 0 : owner.Gid, now, string.Empty, string.Empty);
                }

                foreach (var item in byTarget.Values.OrderBy(i => i.Target, StringComparer.Ordinal))
                {
                    await WriteItemAsync(layer, item, owner, extracted, cancellationToken).ConfigureAwait(false);
                }

                return await layer.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static async Task WriteItemAsync(LayerWriter layer, CopyItem item, Owner owner, Dictionary<string, string> extracted, CancellationToken cancellationToken)
    {
        if (item.IsArchive)
        {
            await ArchiveDetector.ExtractAsync(item.SourceFile!, item.Target, owner.Chowned ? (owner.Uid, owner.Gid) : null, layer, cancellationToken).ConfigureAwait(false);
            return;
        }

        switch (item.Kind)
        {
            case TarEntryKind.Directory:
                await layer.DirectoryAsync(item.Target, item.Mode, item.Uid, item.Gid, item.Modified, cancellationToken).ConfigureAwait(false);
                break;
            case TarEntryKind.SymbolicLink:
                await layer.SymbolicLinkAsync(item.Target, item.LinkName, item.Uid, item.Gid, item.Modified, cancellationToken).ConfigureAwait(false);
                break;
            case TarEntryKind.RegularFile:
                var path = item.SourceFile ?? (item.ImagePath is { } image ? extracted[image] : null);
                var data = path is null ? new MemoryStream(Encoding.UTF8.GetBytes(item.Text ?? string.Empty)) : (Stream)File.OpenRead(path);
                await using (data.ConfigureAwait(false))
                {
                    await layer.FileAsync(item.Target, data, item.Mode, item.Uid, item.Gid, item.Modified, cancellationToken).ConfigureAwait(false);
                }

                break;
            default:
                break; // devices and FIFOs of another stage are not copied
        }
    }
}
