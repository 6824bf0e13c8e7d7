namespace Containers.Testing;

/// <summary>
/// Where this host keeps a cgroup's files, so tests that read them pass on cgroup v1 (one hierarchy per controller,
/// hybrid included) and on v2 (one unified hierarchy). Probes the host; never assumes it.
/// </summary>
public static class HostCgroups
{
    /// <summary>The mount point of the cgroup hierarchies.</summary>
    public const string DefaultRoot = "/sys/fs/cgroup";

    /// <summary>Gets the cgroup version containers get here: 2 only on a pure unified hierarchy (a hybrid host counts as 1, as in the engine).</summary>
    public static int Version => VersionOf(DefaultRoot);

    /// <summary>Returns the version of the hierarchy mounted at <paramref name="root"/> (a test can point it at a fake tree).</summary>
    public static int VersionOf(string root) => File.Exists(Path.Combine(root, "cgroup.controllers")) ? 2 : 1;

    /// <summary>Returns the directory of a cgroup (relative to the root) for a controller: per controller on v1, shared on v2.</summary>
    public static string Directory(string controller, string relative, string root = DefaultRoot) =>
        VersionOf(root) == 2 ? Path.Combine(root, relative) : Path.Combine(root, controller, relative);

    /// <summary>
    /// Returns a cgroup2 hierarchy device filters can attach to: the root on v2, the hybrid's <c>unified</c> mount on v1,
    /// or <see langword="null"/> when the host has none (pure v1, where the engine uses the devices controller instead).
    /// </summary>
    public static string? Cgroup2Mount(string root = DefaultRoot)
    {
        if (VersionOf(root) == 2)
        {
            return root;
        }

        var unified = Path.Combine(root, "unified");
        return File.Exists(Path.Combine(unified, "cgroup.procs")) ? unified : null;
    }
}
