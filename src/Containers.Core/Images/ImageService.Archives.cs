using Containers.Archives;
using Containers.Content;
using Containers.Oci;

namespace Containers.Images;

/// <summary>Import, load and save: moving images between the store and archives or layout directories.</summary>
internal sealed partial class ImageService
{
    public async Task<ImageDetails> ImportAsync(Stream rootfs, ImportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rootfs);
        ArgumentNullException.ThrowIfNull(options);
        var name = options.Reference is null ? null : ImageReference.Parse(options.Reference);
        using var collectionLock = await _content.AcquireCollectionLockAsync(exclusive: false, cancellationToken).ConfigureAwait(false);
        var added = new ArchiveMembers();
        try
        {
            var manifest = await RootfsImporter.ImportAsync(rootfs, options, options.Platform ?? _platform, _content, added, cancellationToken).ConfigureAwait(false);
            return await AddAsync(manifest, name is null ? [] : [name], cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ArchiveReader.RemoveAddedAsync(_content, added).ConfigureAwait(false);
            throw;
        }
    }

    public async Task<IReadOnlyList<ImageDetails>> LoadAsync(Stream archive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        using var collectionLock = await _content.AcquireCollectionLockAsync(exclusive: false, cancellationToken).ConfigureAwait(false);
        var members = await ArchiveReader.ReadAsync(archive, _content, cancellationToken).ConfigureAwait(false);
        return await LoadPlannedAsync(members, () => ArchiveLoader.PlanAsync(members, _content, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ImageDetails>> LoadLayoutAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var indexPath = Path.Combine(directory, "index.json");
        if (!File.Exists(indexPath) || !File.Exists(Path.Combine(directory, "oci-layout")))
        {
            throw new InvalidArchiveException($"'{directory}' is not an OCI image layout: it needs an oci-layout file and an index.json");
        }

        using var collectionLock = await _content.AcquireCollectionLockAsync(exclusive: false, cancellationToken).ConfigureAwait(false);
        var members = new ArchiveMembers();
        return await LoadPlannedAsync(
            members,
            async () =>
            {
                var index = await File.ReadAllBytesAsync(indexPath, cancellationToken).ConfigureAwait(false);
                var plan = ArchiveLoader.PlanLayout(index);
                await CopyReachableBlobsAsync(directory, plan.Select(p => p.Manifest), members, cancellationToken).ConfigureAwait(false);
                return plan;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task SaveAsync(IReadOnlyList<string> images, Stream destination, ArchiveFormat format, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var details = await InspectAllAsync(images, cancellationToken).ConfigureAwait(false);
        if (format == ArchiveFormat.OciArchive)
        {
            await ArchiveWriter.WriteOciArchiveAsync(destination, details, _content, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await ArchiveWriter.WriteDockerArchiveAsync(destination, details, _content, _tempDirectory, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task SaveLayoutAsync(IReadOnlyList<string> images, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var details = await InspectAllAsync(images, cancellationToken).ConfigureAwait(false);
        await OciLayoutWriter.WriteAsync(directory, details, _content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Verifies every planned image before naming any, so a bad archive adds no names; on failure removes the blobs it added.
    /// </summary>
    private async Task<IReadOnlyList<ImageDetails>> LoadPlannedAsync(ArchiveMembers members, Func<Task<List<(Descriptor Manifest, List<ImageReference> Names)>>> planner, CancellationToken cancellationToken)
    {
        try
        {
            var plan = await planner().ConfigureAwait(false);
            var verified = new List<(StoredImage, Descriptor, List<ImageReference>)>();
            foreach (var (manifest, names) in plan)
            {
                verified.Add((await VerifyAsync(manifest, cancellationToken).ConfigureAwait(false), manifest, names));
            }

            var loaded = new List<ImageDetails>();
            foreach (var (image, manifest, names) in verified)
            {
                loaded.Add(await RecordAsync(image, manifest, names, cancellationToken).ConfigureAwait(false));
            }

            return loaded;
        }
        catch
        {
            await ArchiveReader.RemoveAddedAsync(_content, members).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Copies, verified, the blobs of a layout that the given entries reach; missing ones are left for verification to report.</summary>
    private async Task CopyReachableBlobsAsync(string directory, IEnumerable<Descriptor> roots, ArchiveMembers members, CancellationToken cancellationToken)
    {
        var pending = new Stack<Descriptor>(roots);
        var seen = new HashSet<Digest>();
        while (pending.TryPop(out var descriptor))
        {
            var source = Path.Combine(directory, "blobs", descriptor.Digest.Algorithm.Name, descriptor.Digest.Encoded);
            if (!seen.Add(descriptor.Digest) || !File.Exists(source))
            {
                continue;
            }

            if (await _content.GetInfoAsync(descriptor.Digest, cancellationToken).ConfigureAwait(false) is null)
            {
                var file = File.OpenRead(source);
                await using (file.ConfigureAwait(false))
                {
                    await _content.WriteAsync(file, descriptor.Digest, descriptor.Size, cancellationToken).ConfigureAwait(false);
                }

                members.Added.Add(descriptor.Digest);
            }

            foreach (var child in await ChildrenAsync(descriptor, cancellationToken).ConfigureAwait(false))
            {
                pending.Push(child);
            }
        }
    }

    private async Task<List<ImageDetails>> InspectAllAsync(IReadOnlyList<string> images, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("Name at least one image to save.", nameof(images));
        }

        var details = new List<ImageDetails>();
        foreach (var image in images)
        {
            var found = await InspectAsync(image, cancellationToken).ConfigureAwait(false);

            // Saving by name keeps only that name, as docker save does; saving by ID keeps all.
            if (ImageReference.TryParse(image, out var reference) && found.Names.Contains(reference))
            {
                found = found with { Names = [reference] };
            }

            var existing = details.FindIndex(d => d.Id == found.Id);
            if (existing >= 0)
            {
                details[existing] = details[existing] with { Names = details[existing].Names.Union(found.Names).ToList() };
            }
            else
            {
                details.Add(found);
            }
        }

        return details;
    }
}
