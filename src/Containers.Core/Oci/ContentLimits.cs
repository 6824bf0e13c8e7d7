namespace Containers.Oci;

/// <summary>Caps the size of documents read from untrusted sources (registries, archives), so a hostile source cannot exhaust memory.</summary>
public static class ContentLimits
{
    /// <summary>The largest manifest or index accepted: 4 MiB, as containerd and containers/image use.</summary>
    public const int MaxManifestSize = 4 * 1024 * 1024;

    /// <summary>The largest image configuration accepted: 8 MiB.</summary>
    public const int MaxConfigSize = 8 * 1024 * 1024;

    /// <summary>The largest small JSON file (an archive's <c>manifest.json</c>, <c>index.json</c>) accepted: 16 MiB.</summary>
    public const int MaxMetadataSize = 16 * 1024 * 1024;
}
