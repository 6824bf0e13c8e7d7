using System.Formats.Tar;

namespace Containers.Containers;

/// <summary>Copying files into a container, as <c>docker cp</c> (and the archive endpoint of Docker's API) does.</summary>
internal sealed partial class ContainerService
{
    public async Task CopyToAsync(string nameOrId, string path, Stream archive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"'{path}' is not an absolute path in the container", nameof(path));
        }

        var extractor = _extractors.LastOrDefault()
            ?? throw new NotSupportedException("copying into a container needs a platform runtime that can write files with their owners; add one, for example with builder.AddLinuxRuntime()");
        var record = await _store.FindAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        using (await _store.LockAsync(record.Id, cancellationToken).ConfigureAwait(false))
        {
            var state = await RefreshAsync(record, cancellationToken).ConfigureAwait(false);
            var image = await _images.InspectAsync(record.ImageId.ToString(), cancellationToken).ConfigureAwait(false);

            // Mounting is idempotent: a running container's root is already mounted; a created one gets its writable layer now.
            var rootfs = await _rootfs.MountAsync(record.Id, image, cancellationToken).ConfigureAwait(false);
            try
            {
                var staged = new FileStream(
                    Path.Combine(_store.DirectoryOf(record.Id), "copy-" + Guid.NewGuid().ToString("N")[..12] + ".tar"),
                    FileMode.CreateNew,
                    FileAccess.ReadWrite,
                    FileShare.None,
                    81920,
                    FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                await using (staged.ConfigureAwait(false))
                {
                    await PrefixAsync(archive, path.Trim('/'), staged, cancellationToken).ConfigureAwait(false);
                    staged.Position = 0;
                    await extractor.ExtractAsync(staged, rootfs, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                if (!state.IsRunning)
                {
                    await _rootfs.UnmountAsync(record.Id, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Rewrites the archive with every entry (and hard-link target) under <paramref name="prefix"/>, so the extractor resolves the destination inside the root as well.</summary>
    private static async Task PrefixAsync(Stream source, string prefix, Stream destination, CancellationToken cancellationToken)
    {
        string Prefixed(string name)
        {
            while (name.StartsWith("./", StringComparison.Ordinal) || name.StartsWith('/'))
            {
                name = name[(name[0] == '.' ? 2 : 1)..];
            }

            return prefix.Length == 0 ? name : name is "" or "." ? prefix + "/" : prefix + "/" + name;
        }

        var reader = new TarReader(source, leaveOpen: true);
        await using (reader.ConfigureAwait(false))
        {
            var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
            await using (writer.ConfigureAwait(false))
            {
                while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
                {
                    if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
                    {
                        continue;
                    }

                    var copy = new PaxTarEntry(entry) { Name = Prefixed(entry.Name) };
                    if (entry.EntryType is TarEntryType.HardLink)
                    {
                        copy.LinkName = Prefixed(entry.LinkName);
                    }

                    await writer.WriteEntryAsync(copy, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }
}
