namespace Containers.Linux.Storage;

/// <summary>Says how a layer's deletions are written.</summary>
internal enum WhiteoutFormat
{
    /// <summary>Delete the files directly: for a full copy of the lower layers (vfs).</summary>
    Apply,

    /// <summary>Record them as overlayfs does: a 0/0 character device per deleted name, <c>trusted.overlay.opaque</c> on opaque directories.</summary>
    Overlay,
}
