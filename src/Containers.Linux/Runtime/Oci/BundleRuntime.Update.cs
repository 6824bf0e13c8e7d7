using Containers.Linux.Cgroups;

namespace Containers.Linux.Runtime.Oci;

/// <summary><c>update</c> and <c>events</c>: a live container's cgroup limits and statistics, as runc has them.</summary>
internal sealed partial class BundleRuntime
{
    /// <summary>Changes the resources of a container that has not stopped; on a refused value nothing changes.</summary>
    /// <exception cref="OciRuntimeException">The container does not exist or has stopped, or the kernel refused a value.</exception>
    public void Update(string id, ResourceUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var record = Load(id);
        if (Status(record) == "stopped")
        {
            throw new OciRuntimeException("container not running");
        }

        CgroupResourceUpdater.Apply(update, CgroupDetector.DefaultRoot, record.CgroupsPath, cgroups.Version);
    }

    /// <summary>Reads the container's statistics as one <c>events</c> line; unless <paramref name="stoppedToo"/>, only of one that has not stopped.</summary>
    /// <exception cref="OciRuntimeException">The container does not exist or has stopped.</exception>
    public OciEvent Stats(string id, bool stoppedToo = false)
    {
        var record = Load(id);
        if (!stoppedToo && Status(record) == "stopped")
        {
            throw new OciRuntimeException($"container with id {id} is not running");
        }

        return new OciEvent { Type = "stats", Id = id, Data = CgroupStatsReader.Read(CgroupDetector.DefaultRoot, record.CgroupsPath, cgroups.Version) };
    }

    /// <summary>Tells whether the container still exists: the <c>events</c> loop ends when it is deleted, as runc's ends with the cgroup.</summary>
    public bool Exists(string id) => File.Exists(Path.Combine(StateDirectory(id), StateName));
}
