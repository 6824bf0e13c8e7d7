using Containers.Containers;
using Containers.Oci.Runtime;

namespace Containers.Linux.Cgroups;

/// <summary>Creates, limits, freezes, measures and removes container cgroups on one cgroup version.</summary>
/// <remarks>Paths are relative to the hierarchy root, such as <c>dotnet-containers/&lt;id&gt;</c>.</remarks>
internal interface ICgroupManager
{
    /// <summary>Gets the cgroup version, 1 or 2.</summary>
    int Version { get; }

    /// <summary>Creates the cgroup and applies the limits.</summary>
    void Create(string path, RuntimeResources? resources);

    /// <summary>Moves a process into the cgroup.</summary>
    void AddProcess(string path, int pid);

    /// <summary>Gets the files a process ID is written to to move it into the cgroup (one per hierarchy), for a program that does it without this class.</summary>
    IReadOnlyList<string> ProcessFiles(string path);

    /// <summary>Freezes every process of the cgroup and waits until the kernel reports it frozen.</summary>
    Task FreezeAsync(string path, CancellationToken cancellationToken);

    /// <summary>Thaws the cgroup.</summary>
    Task ThawAsync(string path, CancellationToken cancellationToken);

    /// <summary>Reads usage counters.</summary>
    ContainerStats Stats(string path);

    /// <summary>Lists the cgroup's process IDs.</summary>
    IReadOnlyList<int> Processes(string path);

    /// <summary>Tells whether the OOM killer killed a process of the cgroup.</summary>
    bool OomKilled(string path);

    /// <summary>Kills what is left in the cgroup and removes it; does nothing when it does not exist.</summary>
    Task DeleteAsync(string path, CancellationToken cancellationToken);

    /// <summary>Lists the cgroups directly under <paramref name="parent"/>.</summary>
    IReadOnlyList<string> List(string parent);

    /// <summary>Gets the cgroup's directories, one per hierarchy it lives in.</summary>
    IReadOnlyList<string> Directories(string path);

    /// <summary>Removes the cgroup if it has no child cgroups; does nothing when it has, or does not exist.</summary>
    void RemoveIfEmpty(string path);
}
