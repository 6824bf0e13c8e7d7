using Containers.Linux.Cgroups;

namespace Containers.Linux.Runtime.Oci;

/// <summary><c>pause</c>, <c>resume</c> and <c>ps</c>: the freezer and the process list of the container's cgroup, as runc has them.</summary>
internal sealed partial class BundleRuntime
{
    /// <summary>Freezes every process of a created or running container.</summary>
    public async Task PauseAsync(string id, CancellationToken cancellationToken = default)
    {
        var record = Load(id);
        if (Status(record) is not ("running" or "created"))
        {
            throw new OciRuntimeException("container not running or created: " + Status(record));
        }

        await cgroups.FreezeAsync(record.CgroupsPath, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Thaws a paused container.</summary>
    public async Task ResumeAsync(string id, CancellationToken cancellationToken = default)
    {
        var record = Load(id);
        if (Status(record) != "paused")
        {
            throw new OciRuntimeException("container not paused");
        }

        await cgroups.ThawAsync(record.CgroupsPath, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists the host pids of the container's processes (every process of its cgroup).</summary>
    public IReadOnlyList<int> Processes(string id) => cgroups.Processes(Load(id).CgroupsPath);

    /// <summary>Tells whether the container's cgroup is frozen (v1 freezer.state, v2 cgroup.freeze).</summary>
    private bool IsFrozen(OciStateRecord record)
    {
        var (file, frozen) = cgroups.Version == 1
            ? (Path.Combine(CgroupDetector.DefaultRoot, "freezer", record.CgroupsPath, "freezer.state"), "FROZEN")
            : (Path.Combine(CgroupDetector.DefaultRoot, record.CgroupsPath, "cgroup.freeze"), "1");
        try
        {
            return File.ReadAllText(file).Trim() == frozen;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
