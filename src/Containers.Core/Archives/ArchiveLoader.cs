using System.Text.Json;
using Containers.Content;
using Containers.Images;
using Containers.Oci;

namespace Containers.Archives;

/// <summary>Turns the members of a <c>docker save</c> or OCI archive into image manifests in the store, with their names.</summary>
internal static class ArchiveLoader
{
    /// <summary>Works out the images an archive holds, writing a manifest for each docker-archive image.</summary>
    /// <exception cref="InvalidArchiveException">The archive's metadata is missing or inconsistent.</exception>
    /// <exception cref="DigestMismatchException">A layer does not match the diff ID its configuration gives.</exception>
    public static async Task<List<(Descriptor Manifest, List<ImageReference> Names)>> PlanAsync(ArchiveMembers members, IContentStore store, CancellationToken cancellationToken)
    {
        if (members.Metadata.TryGetValue("manifest.json", out var dockerManifest))
        {
            return await PlanDockerArchiveAsync(dockerManifest, members, store, cancellationToken).ConfigureAwait(false);
        }

        if (members.Metadata.TryGetValue("index.json", out var index))
        {
            if (!members.Metadata.ContainsKey("oci-layout"))
            {
                throw new InvalidArchiveException("the archive has an index.json but no oci-layout file; it is not an OCI layout");
            }

            return PlanLayout(index);
        }

        throw new InvalidArchiveException("the archive has neither a manifest.json (docker save) nor an index.json (OCI layout)");
    }

    /// <summary>Lists the images of an OCI layout's <c>index.json</c>, with the names its entries carry.</summary>
    public static List<(Descriptor Manifest, List<ImageReference> Names)> PlanLayout(byte[] index) =>
        OciSerializer.ReadIndex(index, maxSize: ContentLimits.MaxMetadataSize).Manifests
            .GroupBy(e => e.Digest)
            .Select(g => (ImageNames.WithName(g.First(), null), g.Select(ImageNames.FromEntry).OfType<ImageReference>().Distinct().ToList()))
            .ToList();

    private static async Task<List<(Descriptor, List<ImageReference>)>> PlanDockerArchiveAsync(byte[] json, ArchiveMembers members, IContentStore store, CancellationToken cancellationToken)
    {
        List<DockerArchiveManifestEntry> entries;
        try
        {
            entries = JsonSerializer.Deserialize(json, OciJsonContext.Default.ListDockerArchiveManifestEntry) ?? [];
        }
        catch (JsonException e)
        {
            throw new InvalidArchiveException($"the archive's manifest.json is malformed: {e.Message}", e);
        }

        if (entries.Count == 0)
        {
            throw new InvalidArchiveException("the archive's manifest.json lists no images");
        }

        var plan = new List<(Descriptor, List<ImageReference>)>();
        foreach (var entry in entries)
        {
            var configBlob = members.GetBlob(entry.Config, "image configuration");
            var config = OciSerializer.ReadConfiguration(
                await store.ReadAllBytesAsync(configBlob.Digest, ContentLimits.MaxConfigSize, cancellationToken).ConfigureAwait(false), configBlob.Digest);
            if (config.RootFs.DiffIds.Count != entry.Layers.Count)
            {
                throw new InvalidArchiveException($"image {configBlob.Digest.ShortId} lists {entry.Layers.Count} layers but its configuration has {config.RootFs.DiffIds.Count} diff IDs");
            }

            var layers = new List<Descriptor>();
            for (var i = 0; i < entry.Layers.Count; i++)
            {
                var blob = members.GetBlob(entry.Layers[i], "layer");
                var compression = await LayerVerifier.VerifyDiffIdAsync(store, blob.Digest, config.RootFs.DiffIds[i], cancellationToken).ConfigureAwait(false);
                layers.Add(new Descriptor { MediaType = MediaTypes.OciLayerFor(compression), Digest = blob.Digest, Size = blob.Size });
            }

            var manifest = new ImageManifest
            {
                MediaType = MediaTypes.OciManifest,
                Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = configBlob.Digest, Size = configBlob.Size },
                Layers = layers,
            };
            var manifestBlob = await members.WriteBlobAsync(store, OciSerializer.Serialize(manifest), cancellationToken).ConfigureAwait(false);
            var names = new List<ImageReference>();
            foreach (var tag in entry.RepoTags ?? [])
            {
                names.Add(ImageReference.TryParse(tag, out var name) ? name : throw new InvalidArchiveException($"the archive names an image '{tag}', which is not a valid reference"));
            }

            plan.Add((new Descriptor { MediaType = MediaTypes.OciManifest, Digest = manifestBlob.Digest, Size = manifestBlob.Size }, names));
        }

        return plan;
    }
}
