using Containers.Content;
using Containers.Oci;

namespace Containers.Images;

/// <summary>Adding, naming and removing images: every change to <c>index.json</c>.</summary>
internal sealed partial class ImageService
{
    public async Task<ImageDetails> AddAsync(Descriptor manifest, IReadOnlyList<ImageReference> names, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(names);
        var image = await VerifyAsync(manifest, cancellationToken).ConfigureAwait(false);
        return await RecordAsync(image, manifest, names, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks that the manifest for the engine's platform and every blob it needs are in the store.</summary>
    /// <exception cref="BlobNotFoundException">Something is missing.</exception>
    private async Task<StoredImage> VerifyAsync(Descriptor manifest, CancellationToken cancellationToken)
    {
        var (platformDescriptor, platformManifest) = (await ResolvePlatformManifestAsync(manifest, 0, cancellationToken, strict: true).ConfigureAwait(false))!.Value;
        foreach (var blob in platformManifest.Layers.Append(platformManifest.Config))
        {
            if (await _content.GetInfoAsync(blob.Digest, cancellationToken).ConfigureAwait(false) is not { } info)
            {
                throw new BlobNotFoundException(blob.Digest, $"referenced by manifest {platformDescriptor.Digest}");
            }

            if (info.Size != blob.Size)
            {
                throw new DigestMismatchException(blob.Digest, blob.Size, info.Size);
            }
        }

        return new StoredImage(platformManifest.Config.Digest, platformDescriptor, platformManifest);
    }

    private async Task<ImageDetails> RecordAsync(StoredImage image, Descriptor manifest, IReadOnlyList<ImageReference> names, CancellationToken cancellationToken)
    {
        var entry = ImageNames.WithName(manifest, null);
        await _content.UpdateIndexAsync(entries => (Name(entries, entry, names), true), cancellationToken).ConfigureAwait(false);
        image.Entries.Add(entry);
        image.Names.AddRange(names.Distinct());
        return await DescribeAsync(image, cancellationToken).ConfigureAwait(false);
    }

    public async Task TagAsync(string source, string target, CancellationToken cancellationToken = default)
    {
        var name = ImageReference.Parse(target);
        var (image, _) = await ResolveAsync(source, cancellationToken).ConfigureAwait(false);
        var entry = ImageNames.WithName(image.Entries[0], null);
        await _content.UpdateIndexAsync(entries => (Name(entries, entry, [name]), true), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ImageRemoval>> RemoveAsync(string nameOrId, bool force = false, CancellationToken cancellationToken = default)
    {
        // No container is created from this image while it is checked for use and removed.
        using var useLock = await _useLock.ExclusiveAsync(cancellationToken).ConfigureAwait(false);
        var (image, byId) = await ResolveAsync(nameOrId, cancellationToken).ConfigureAwait(false);

        // A digest reference (repo@sha256:...) is not a stored name: it removes the image as its ID would.
        byId = byId || !image.Names.Contains(ImageReference.Parse(nameOrId));
        var uses = (await GetUsesAsync(cancellationToken).ConfigureAwait(false)).GetValueOrDefault(image.Id) ?? [];
        var inUse = uses.Count > 0;
        List<ImageReference> untag;
        if (!byId && image.Names.Count > 1)
        {
            untag = [ImageReference.Parse(nameOrId)];
        }
        else
        {
            if (byId && image.Names.Count > 1 && !force)
            {
                throw new ImageConflictException($"conflict: unable to delete {image.Id.ShortId} (must be forced) - image is referenced in multiple repositories");
            }

            if (inUse && !force)
            {
                throw new ImageInUseException(nameOrId, image.Id, uses.Select(u => u.ContainerId).Distinct().ToList());
            }

            untag = byId ? image.Names : [ImageReference.Parse(nameOrId)];
        }

        var delete = image.Names.Except(untag).Any() is false && !inUse;
        var digests = image.EntryDigests;
        await _content.UpdateIndexAsync(
            entries =>
            {
                var kept = entries.Where(e => !(ImageNames.FromEntry(e) is { } n && untag.Contains(n))).ToList();
                if (delete)
                {
                    kept.RemoveAll(e => digests.Contains(e.Digest));
                }
                else if (!kept.Any(e => digests.Contains(e.Digest)))
                {
                    kept.Add(ImageNames.WithName(image.Entries[0], null)); // stays, unnamed, for the containers using it
                }

                return (kept, true);
            },
            cancellationToken).ConfigureAwait(false);

        var removals = untag.Select(n => new ImageRemoval(ImageRemovalKind.Untagged, n.FamiliarName)).ToList();
        if (delete)
        {
            removals.Add(new ImageRemoval(ImageRemovalKind.Deleted, image.Id.ToString()));
            await TryCollectGarbageAsync(cancellationToken).ConfigureAwait(false);
        }

        return removals;
    }

    /// <summary>
    /// Gives <paramref name="entry"/> each of <paramref name="names"/>, taking them from entries that had them;
    /// an entry left without names stays as an unnamed (dangling) image, once per digest.
    /// </summary>
    private static List<Descriptor> Name(IReadOnlyList<Descriptor> entries, Descriptor entry, IReadOnlyList<ImageReference> names)
    {
        var result = entries.Where(e => !(ImageNames.FromEntry(e) is { } n && names.Contains(n))).ToList();
        foreach (var name in names.Distinct())
        {
            result.Add(ImageNames.WithName(entry, name));
        }

        if (names.Count == 0)
        {
            result.Add(entry);
        }

        // Previous holders of the names that now have none stay listed as dangling images.
        foreach (var orphan in entries.Except(result).Where(e => e.Digest != entry.Digest).DistinctBy(e => e.Digest))
        {
            if (!result.Any(e => e.Digest == orphan.Digest))
            {
                result.Add(ImageNames.WithName(orphan, null));
            }
        }

        // One entry per digest is enough for an unnamed image; drop unnamed ones where a named one exists.
        var named = result.Where(e => ImageNames.FromEntry(e) is not null).Select(e => e.Digest).ToHashSet();
        return result
            .Where(e => ImageNames.FromEntry(e) is not null || !named.Contains(e.Digest))
            .DistinctBy(e => (e.Digest, ImageNames.FromEntry(e)?.ToString()))
            .ToList();
    }
}
