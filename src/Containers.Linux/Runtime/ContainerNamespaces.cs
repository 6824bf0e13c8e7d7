using Containers.Containers;
using Containers.Linux.Interop;
using Containers.Oci.Runtime;

namespace Containers.Linux.Runtime;

/// <summary>
/// Open handles on a running container's namespaces, in the order an exec joins them: the user namespace first (it
/// owns the others), the mount namespace last (it changes the root), and the pid namespace before the clone.
/// </summary>
internal sealed class ContainerNamespaces : IDisposable
{
    private static readonly (string Type, string File, int Flag)[] Order =
    [
        ("user", "user", Libc.CLONE_NEWUSER), ("cgroup", "cgroup", Libc.CLONE_NEWCGROUP), ("ipc", "ipc", Libc.CLONE_NEWIPC),
        ("uts", "uts", Libc.CLONE_NEWUTS), ("network", "net", Libc.CLONE_NEWNET), ("mount", "mnt", Libc.CLONE_NEWNS),
    ];

    private readonly List<int> _fds = [];

    private ContainerNamespaces()
    {
    }

    /// <summary>Gets the namespaces to join in the child, as (descriptor, CLONE_NEW* type).</summary>
    public List<(int Fd, int Type)> Joins { get; } = [];

    /// <summary>Gets the pid namespace descriptor the spawning thread enters before cloning, or 0.</summary>
    public int PidNamespaceFd { get; private set; }

    /// <summary>
    /// Lists the namespaces an exec into a container of <paramref name="spec"/> joins, in order, as (<c>/proc/PID/ns</c>
    /// file, CLONE_NEW* type), the pid namespace last: for a program that opens them itself once the container runs.
    /// </summary>
    public static IReadOnlyList<(string File, int Flag)> Planned(RuntimeSpec spec)
    {
        var types = spec.Linux?.Namespaces?.Select(n => n.Type).ToHashSet(StringComparer.Ordinal) ?? [];
        var planned = Order.Where(o => types.Contains(o.Type)).Select(o => (o.File, o.Flag)).ToList();
        if (types.Contains("pid"))
        {
            planned.Add(("pid", Libc.CLONE_NEWPID));
        }

        return planned;
    }

    /// <summary>Opens the namespaces of <paramref name="pid"/> that differ from this process's own.</summary>
    /// <exception cref="ContainerStartException">The container's process is gone.</exception>
    public static ContainerNamespaces Open(int pid, RuntimeSpec spec)
    {
        var types = spec.Linux?.Namespaces?.Select(n => n.Type).ToHashSet(StringComparer.Ordinal) ?? [];
        var namespaces = new ContainerNamespaces();
        try
        {
            foreach (var (type, file, flag) in Order.Where(o => types.Contains(o.Type)))
            {
                if (namespaces.OpenIfDifferent(pid, file) is { } fd)
                {
                    namespaces.Joins.Add((fd, flag));
                }
            }

            if (types.Contains("pid") && namespaces.OpenIfDifferent(pid, "pid") is { } pidFd)
            {
                namespaces.PidNamespaceFd = pidFd;
            }

            return namespaces;
        }
        catch
        {
            namespaces.Dispose();
            throw;
        }
    }

    private int? OpenIfDifferent(int pid, string file)
    {
        var path = $"/proc/{pid}/ns/{file}";
        if (Libc.Stat(path) is not { } theirs)
        {
            throw new ContainerStartException("exec", Errno.ESRCH, "ESRCH", "the container is not running");
        }

        if (Libc.Stat("/proc/self/ns/" + file) is { } ours && ours.Inode == theirs.Inode && ours.Device == theirs.Device)
        {
            return null;
        }

        var fd = Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            throw new ContainerStartException("exec", Errno.Last, Errno.Name(Errno.Last), $"opening the container's {file} namespace failed: {Errno.Describe(Errno.Last)}");
        }

        _fds.Add(fd);
        return fd;
    }

    public void Dispose()
    {
        foreach (var fd in _fds)
        {
            Libc.close(fd);
        }

        _fds.Clear();
    }
}
