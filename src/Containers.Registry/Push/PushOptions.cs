namespace Containers.Registry.Push;

/// <summary>Configures one push.</summary>
public sealed record PushOptions
{
    /// <summary>
    /// Gets repositories on the destination registry (<c>library/busybox</c>) that may already hold the image's blobs: a
    /// blob the destination lacks is mounted from them instead of uploaded. Repositories the image is named under on that
    /// registry are tried as well. Empty by default.
    /// </summary>
    public IReadOnlyList<string> MountFrom { get; init; } = [];

    /// <summary>Gets where per-blob progress is reported; none by default.</summary>
    public IProgress<PushProgress>? Progress { get; init; }
}
