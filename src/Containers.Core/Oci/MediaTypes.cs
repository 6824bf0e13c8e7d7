namespace Containers.Oci;

/// <summary>Lists the media types of OCI and Docker image content and classifies them.</summary>
public static class MediaTypes
{
    /// <summary>OCI image manifest.</summary>
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";

    /// <summary>OCI image index (multi-platform list or layout index).</summary>
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";

    /// <summary>OCI image configuration.</summary>
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";

    /// <summary>OCI layer, an uncompressed tar.</summary>
    public const string OciLayer = "application/vnd.oci.image.layer.v1.tar";

    /// <summary>OCI layer, a gzip-compressed tar.</summary>
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";

    /// <summary>OCI layer, a zstd-compressed tar.</summary>
    public const string OciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";

    /// <summary>OCI non-distributable layer, uncompressed (deprecated by the specification, still read).</summary>
    public const string OciNondistributableLayer = "application/vnd.oci.image.layer.nondistributable.v1.tar";

    /// <summary>OCI non-distributable layer, gzip (deprecated by the specification, still read).</summary>
    public const string OciNondistributableLayerGzip = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";

    /// <summary>OCI non-distributable layer, zstd (deprecated by the specification, still read).</summary>
    public const string OciNondistributableLayerZstd = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";

    /// <summary>The OCI empty JSON blob, <c>{}</c>, used by artifacts.</summary>
    public const string OciEmpty = "application/vnd.oci.empty.v1+json";

    /// <summary>Docker image manifest, schema 2.</summary>
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

    /// <summary>Docker manifest list (multi-platform).</summary>
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>Docker image configuration.</summary>
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";

    /// <summary>Docker layer, a gzip-compressed tar.</summary>
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    /// <summary>Docker layer, uncompressed (written by some tools, notably <c>docker save</c> loaders).</summary>
    public const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar";

    /// <summary>Docker foreign layer (Windows base layers), gzip.</summary>
    public const string DockerForeignLayerGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

    /// <summary>Docker schema 1 manifest, which is obsolete and refused.</summary>
    public const string DockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json";

    /// <summary>Docker schema 1 signed manifest, which is obsolete and refused.</summary>
    public const string DockerSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws";

    /// <summary>Gets a value indicating whether the type is a single-platform image manifest.</summary>
    public static bool IsManifest(string? mediaType) => mediaType is OciManifest or DockerManifest;

    /// <summary>Gets a value indicating whether the type is an index or manifest list.</summary>
    public static bool IsIndex(string? mediaType) => mediaType is OciIndex or DockerManifestList;

    /// <summary>Gets a value indicating whether the type is an image configuration.</summary>
    public static bool IsConfig(string? mediaType) => mediaType is OciConfig or DockerConfig;

    /// <summary>Gets a value indicating whether the type is a filesystem layer the engine can unpack.</summary>
    public static bool IsLayer(string? mediaType) => TryGetLayerCompression(mediaType, out _);

    /// <summary>Finds the compression of a layer media type; returns <see langword="false"/> for anything that is not a known layer.</summary>
    public static bool TryGetLayerCompression(string? mediaType, out LayerCompression compression)
    {
        compression = mediaType switch
        {
            OciLayer or OciNondistributableLayer or DockerLayer => LayerCompression.None,
            OciLayerGzip or OciNondistributableLayerGzip or DockerLayerGzip or DockerForeignLayerGzip => LayerCompression.Gzip,
            OciLayerZstd or OciNondistributableLayerZstd => LayerCompression.Zstd,
            _ => (LayerCompression)(-1),
        };
        return (int)compression >= 0;
    }

    /// <summary>Returns the OCI layer media type for a compression.</summary>
    public static string OciLayerFor(LayerCompression compression) => compression switch
    {
        LayerCompression.Gzip => OciLayerGzip,
        LayerCompression.Zstd => OciLayerZstd,
        _ => OciLayer,
    };
}
