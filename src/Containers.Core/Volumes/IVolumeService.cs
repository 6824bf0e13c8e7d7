namespace Containers.Volumes;

/// <summary>
/// Manages named volumes: directories under the store root that outlive containers, as Docker's local volume driver.
/// </summary>
/// <remarks>
/// State lives on disk and changes take a file lock, so processes sharing a root see each other's volumes, and a volume
/// a container of another process uses is in use here too.
/// </remarks>
public interface IVolumeService
{
    /// <summary>Creates a volume; creating one that exists with the same driver returns it unchanged, as Docker does.</summary>
    /// <exception cref="InvalidVolumeNameException">The name is invalid.</exception>
    /// <exception cref="NotSupportedException">The driver is not <c>local</c>.</exception>
    Task<VolumeDetails> CreateAsync(VolumeCreateOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Lists volumes matching the filters.</summary>
    Task<IReadOnlyList<VolumeDetails>> ListAsync(VolumeListOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Describes one volume.</summary>
    /// <exception cref="VolumeNotFoundException">It does not exist.</exception>
    Task<VolumeDetails> InspectAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Removes a volume and its data.</summary>
    /// <exception cref="VolumeNotFoundException">It does not exist.</exception>
    /// <exception cref="VolumeInUseException">A container uses it and <paramref name="force"/> is off.</exception>
    Task RemoveAsync(string name, bool force = false, CancellationToken cancellationToken = default);

    /// <summary>Removes volumes no container uses; by default only anonymous ones (as Docker 23+), all of them with <paramref name="all"/>.</summary>
    Task<VolumePruneResult> PruneAsync(bool all = false, IReadOnlyList<string>? labels = null, CancellationToken cancellationToken = default);

    /// <summary>Counts volumes and the bytes their files take (symbolic links are not followed).</summary>
    Task<VolumeDiskUsage> GetDiskUsageAsync(CancellationToken cancellationToken = default);
}
