namespace Containers.Volumes;

/// <summary>Summarises the space volumes take, for <c>system df</c>.</summary>
/// <param name="Volumes">The number of volumes.</param>
/// <param name="ActiveVolumes">The number of volumes containers use.</param>
/// <param name="Size">The bytes of all volumes' files.</param>
/// <param name="ReclaimableSize">The bytes of volumes no container uses.</param>
public sealed record VolumeDiskUsage(int Volumes, int ActiveVolumes, long Size, long ReclaimableSize);
