using Containers.Images;

namespace Containers.Snapshots;

/// <summary>Describes a ready-state snapshot: an image holding a service's state after it became ready and stopped cleanly.</summary>
public sealed record ReadySnapshot
{
    /// <summary>Gets the key: the SHA-256 (hex) of everything that determines the snapshot (image ID, command, environment, files, mounts, ...).</summary>
    public required string Key { get; init; }

    /// <summary>Gets the ID of the snapshot image, which fixtures with the same key start from.</summary>
    public required Digest ImageId { get; init; }

    /// <summary>Gets the snapshot image's name: <c>localhost/dotnet-containers-snapshot:</c> and the key.</summary>
    public required ImageReference Reference { get; init; }

    /// <summary>Gets the image the snapshot was taken from, as the fixture named it.</summary>
    public required string SourceImage { get; init; }

    /// <summary>Gets when the snapshot was taken.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>Gets the size of the snapshot's own layer (the service's writable layer and volumes), in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>Gets the size of the whole snapshot image, the source image's layers included, in bytes.</summary>
    public required long TotalSize { get; init; }
}
