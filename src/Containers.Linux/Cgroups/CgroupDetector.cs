namespace Containers.Linux.Cgroups;

/// <summary>Chooses the cgroup manager for the host: v2 only on a pure unified hierarchy; hybrid hosts count as v1, as runc treats them.</summary>
internal static class CgroupDetector
{
    public const string DefaultRoot = "/sys/fs/cgroup";

    public static ICgroupManager Detect(string root = DefaultRoot) =>
        File.Exists(Path.Combine(root, "cgroup.controllers")) ? new CgroupV2Manager(root) : new CgroupV1Manager(root);
}
