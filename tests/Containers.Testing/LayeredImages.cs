using Containers.Content;
using Containers.Hosting;
using Containers.Images;
using Containers.Oci;

namespace Containers.Testing;

/// <summary>Builds multi-layer images in a store from layer tars made in the test, as a registry pull would leave them.</summary>
public static class LayeredImages
{
    /// <summary>Stores the layers (uncompressed tars, base first), a configuration and a manifest, and names the image.</summary>
    public static async Task<ImageDetails> AddAsync(ContainerEngine engine, string name, IReadOnlyList<byte[]> layers, IReadOnlyList<string>? cmd = null)
    {
        var content = engine.Content;
        var descriptors = new List<Descriptor>();
        foreach (var layer in layers)
        {
            var blob = await content.WriteAsync(new MemoryStream(layer));
            descriptors.Add(new Descriptor { MediaType = MediaTypes.OciLayer, Digest = blob.Digest, Size = blob.Size });
        }

        var config = new ImageConfiguration
        {
            Architecture = Platform.Current.Architecture,
            OS = "linux",
            Config = new ContainerConfiguration { Cmd = cmd ?? ["/bin/sh"] },
            RootFs = new RootFs { DiffIds = descriptors.Select(d => d.Digest).ToList() },
        };
        var configBlob = await content.WriteAsync(new MemoryStream(OciSerializer.Serialize(config)));
        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = configBlob.Digest, Size = configBlob.Size },
            Layers = descriptors,
        };
        var manifestBlob = await content.WriteAsync(new MemoryStream(OciSerializer.Serialize(manifest)));
        return await engine.Images.AddAsync(new Descriptor { MediaType = MediaTypes.OciManifest, Digest = manifestBlob.Digest, Size = manifestBlob.Size }, [ImageReference.Parse(name)]);
    }
}
