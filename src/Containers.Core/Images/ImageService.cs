using Containers.Content;
using Containers.Hosting;
using Containers.Internal;
using Containers.Oci;
using Microsoft.Extensions.Logging;

namespace Containers.Images;

/// <summary>The engine's <see cref="IImageService"/> over an OCI layout content store.</summary>
internal sealed partial class ImageService : IImageService
{
    private const int MaxIndexDepth = 4;

    private readonly IContentStore _content;
    private readonly IEnumerable<IImageUsageSource> _usageSources;
    private readonly Platform _platform;
    private readonly string _tempDirectory;
    private readonly string _buildCacheDirectory;
    private readonly IEnumerable<Storage.ILayerStore> _layerStores;
    private readonly ILogger _logger;
    private readonly ImageUseLock _useLock;
    private readonly IServiceProvider _services;

    public ImageService(IContentStore content, IEnumerable<IImageUsageSource> usageSources, IEnumerable<Storage.ILayerStore> layerStores, ContainersOptions options, StoreLayout layout, ILogger<ImageService> logger, IServiceProvider services)
    {
        _services = services;
        _content = content;
        _layerStores = layerStores;
        _usageSources = usageSources;
        _platform = options.Platform;
        _tempDirectory = layout.Temp;
        _buildCacheDirectory = Path.Combine(layout.Root, "build-cache");
        _useLock = new ImageUseLock(layout);
        _logger = logger;
    }

    public async Task<IReadOnlyList<ImageSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        var images = await LoadImagesAsync(cancellationToken).ConfigureAwait(false);
        var summaries = new List<ImageSummary>(images.Count);
        foreach (var image in images)
        {
            var config = await ReadConfigurationAsync(image, cancellationToken).ConfigureAwait(false);
            summaries.Add(new ImageSummary
            {
                Id = image.Id,
                ManifestDigest = image.ManifestDescriptor.Digest,
                Names = image.Names,
                Created = config?.Created,
                Size = image.Size,
            });
        }

        return summaries.OrderByDescending(s => s.Created).ToList();
    }

    public async Task<ImageDetails> InspectAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        var (image, _) = await ResolveAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        return await DescribeAsync(image, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ImageDetails> DescribeAsync(StoredImage image, CancellationToken cancellationToken)
    {
        var config = await ReadConfigurationAsync(image, cancellationToken).ConfigureAwait(false)
            ?? throw new BlobNotFoundException(image.Id, "image configuration");
        var diffIds = config.RootFs.DiffIds;
        if (diffIds.Count != image.Manifest.Layers.Count)
        {
            throw new InvalidManifestException("image configuration", image.Id, $"it lists {diffIds.Count} diff IDs for {image.Manifest.Layers.Count} layers");
        }

        return new ImageDetails
        {
            Id = image.Id,
            ManifestDescriptor = image.ManifestDescriptor,
            Manifest = image.Manifest,
            Configuration = config,
            Names = image.Names,
            Layers = image.Manifest.Layers.Select((l, i) => new ImageLayer(l, diffIds[i])).ToList(),
        };
    }

    /// <summary>Finds an image by ID prefix, by name, or by name and digest; says whether the lookup was by ID.</summary>
    internal async Task<(StoredImage Image, bool ById)> ResolveAsync(string nameOrId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrId);
        var images = await LoadImagesAsync(cancellationToken).ConfigureAwait(false);

        // As docker does: a name that exists wins; otherwise hexadecimal text is an ID or a unique ID prefix.
        if (ImageReference.TryParse(nameOrId, out var reference))
        {
            var byName = reference.Digest is { } digest
                ? images.FirstOrDefault(i => i.EntryDigests.Contains(digest) && i.Names.Any(n => n.Name == reference.Name))
                  ?? images.FirstOrDefault(i => i.EntryDigests.Contains(digest))
                : images.FirstOrDefault(i => i.Names.Contains(reference));
            if (byName is not null)
            {
                return (byName, false);
            }
        }

        var hex = nameOrId.StartsWith("sha256:", StringComparison.Ordinal) ? nameOrId[7..] : nameOrId;
        if (hex.Length is >= 4 and <= 64 && hex.All(char.IsAsciiHexDigitLower))
        {
            var matches = images.Where(i => i.Id.Encoded.StartsWith(hex, StringComparison.Ordinal)).ToList();
            if (matches.Count > 1)
            {
                throw new ImageConflictException($"image ID prefix '{hex}' is ambiguous: it matches {matches.Count} images; give more characters");
            }

            if (matches.Count == 1)
            {
                return (matches[0], true);
            }
        }
        else if (reference is null)
        {
            ImageReference.Parse(nameOrId); // throws the error that names the problem
        }

        throw new ImageNotFoundException(nameOrId);
    }

    /// <summary>Reads <c>index.json</c> and groups its entries into images by configuration digest.</summary>
    internal async Task<List<StoredImage>> LoadImagesAsync(CancellationToken cancellationToken)
    {
        var index = await _content.ReadIndexAsync(cancellationToken).ConfigureAwait(false);
        var byId = new Dictionary<Digest, StoredImage>();
        var manifests = new Dictionary<Digest, (Descriptor Descriptor, ImageManifest Manifest)?>();
        foreach (var entry in index.Manifests)
        {
            if (!manifests.TryGetValue(entry.Digest, out var resolved))
            {
                resolved = manifests[entry.Digest] = await ResolvePlatformManifestAsync(entry, 0, cancellationToken).ConfigureAwait(false);
            }

            if (resolved is not { } found)
            {
                continue; // an index without a manifest for this platform, or content that is gone
            }

            var id = found.Manifest.Config.Digest;
            if (!byId.TryGetValue(id, out var image))
            {
                byId[id] = image = new StoredImage(id, found.Descriptor, found.Manifest);
            }

            image.Entries.Add(entry);
            if (ImageNames.FromEntry(entry) is { } name && !image.Names.Contains(name))
            {
                image.Names.Add(name);
            }
        }

        return byId.Values.ToList();
    }

    /// <summary>
    /// Follows an index entry down to the manifest for the engine's platform. Lenient mode returns null for anything
    /// unusable (listing skips it); strict mode says why it is unusable.
    /// </summary>
    /// <exception cref="BlobNotFoundException">Strict: the manifest or index is not in the store.</exception>
    /// <exception cref="UnsupportedMediaTypeException">Strict: the entry is neither a manifest nor an index, or is schema 1.</exception>
    /// <exception cref="NoMatchingManifestException">Strict: an index has no manifest for the platform.</exception>
    private async Task<(Descriptor, ImageManifest)?> ResolvePlatformManifestAsync(Descriptor descriptor, int depth, CancellationToken cancellationToken, bool strict = false)
    {
        if (await _content.GetInfoAsync(descriptor.Digest, cancellationToken).ConfigureAwait(false) is null)
        {
            return strict ? throw new BlobNotFoundException(descriptor.Digest, "manifest") : null;
        }

        var bytes = await _content.ReadAllBytesAsync(descriptor.Digest, ContentLimits.MaxManifestSize, cancellationToken).ConfigureAwait(false);
        string mediaType;
        try
        {
            mediaType = MediaTypes.IsManifest(descriptor.MediaType) || MediaTypes.IsIndex(descriptor.MediaType)
                ? descriptor.MediaType
                : OciSerializer.DetectMediaType(bytes, descriptor.Digest);
            if (MediaTypes.IsManifest(mediaType))
            {
                return (descriptor, OciSerializer.ReadManifest(bytes, descriptor.Digest));
            }
        }
        catch (ContainersException) when (!strict)
        {
            return null;
        }

        if (!MediaTypes.IsIndex(mediaType) || depth >= MaxIndexDepth)
        {
            return strict ? throw new UnsupportedMediaTypeException(mediaType, $"an image ({descriptor.Digest})") : null;
        }

        var index = OciSerializer.ReadIndex(bytes, descriptor.Digest);
        foreach (var child in PlatformSelector.Order(index.Manifests, _platform))
        {
            if (await ResolvePlatformManifestAsync(child, depth + 1, cancellationToken).ConfigureAwait(false) is { } found)
            {
                return found;
            }
        }

        return strict ? throw new NoMatchingManifestException(_platform, index.Manifests.Select(m => m.Platform).OfType<Platform>().ToList()) : null;
    }

    private async Task<ImageConfiguration?> ReadConfigurationAsync(StoredImage image, CancellationToken cancellationToken)
    {
        if (await _content.GetInfoAsync(image.Id, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        var bytes = await _content.ReadAllBytesAsync(image.Id, ContentLimits.MaxConfigSize, cancellationToken).ConfigureAwait(false);
        return OciSerializer.ReadConfiguration(bytes, image.Id);
    }

    private async Task<Dictionary<Digest, List<ImageUse>>> GetUsesAsync(CancellationToken cancellationToken)
    {
        var uses = new Dictionary<Digest, List<ImageUse>>();
        foreach (var source in _usageSources)
        {
            await foreach (var use in source.GetImageUsesAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!uses.TryGetValue(use.ImageId, out var list))
                {
                    uses[use.ImageId] = list = [];
                }

                list.Add(use);
            }
        }

        return uses;
    }
}
