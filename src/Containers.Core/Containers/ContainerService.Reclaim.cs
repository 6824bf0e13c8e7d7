namespace Containers.Containers;

/// <summary>Recovery's care not to reclaim what a live process is still building.</summary>
internal sealed partial class ContainerService
{
    /// <summary>
    /// Deletes a cgroup of this root whose container does not exist, unless a live process holds that container's lock
    /// (it is being created or started: its record may not have been listed yet). Returns whether it deleted it.
    /// </summary>
    private async Task<bool> DeleteOrphanCgroupAsync(string cgroup, CancellationToken cancellationToken)
    {
        var id = cgroup[(cgroup.LastIndexOf('/') + 1)..];
        using var held = _store.TryLock(id);
        if (held is null || await _store.ReadRecordAsync(id, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        await _runtime.DeleteAsync(cgroup, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
