namespace Containers.Oci;

/// <summary>Names how a layer tar is compressed.</summary>
public enum LayerCompression
{
    /// <summary>A plain tar.</summary>
    None,

    /// <summary>A gzip-compressed tar.</summary>
    Gzip,

    /// <summary>A zstd-compressed tar.</summary>
    Zstd,
}
