using Containers.Containers;
using Containers.Linux.Interop;
using Containers.Storage;

namespace Containers.Linux.Runtime;

/// <summary>
/// Creates mount points inside a root as runc's securejoin does: the destination is resolved as the container will see
/// it (symbolic links followed, but never above the root), then each missing component is made with <c>mkdirat</c>
/// relative to its parent's descriptor without following links, and the result is read back through <c>/proc/self/fd</c>.
/// </summary>
/// <remarks>
/// An image whose <c>/data</c> is a link to <c>/etc</c> gets its mount on the root's <c>/etc</c>, and a link to
/// <c>../../../tmp/x</c> gets it on the root's <c>/tmp/x</c>; neither can reach the host (CVE-2021-30465 class). The
/// child then mounts through a descriptor it opens with <c>openat2(RESOLVE_IN_ROOT)</c>, so a link that a running
/// container sharing a volume swaps in between this check and the mount still resolves inside the root.
/// </remarks>
internal static class MountPoints
{
    /// <summary>Returns the host path of the mount point for <paramref name="destination"/>, created inside <paramref name="root"/> when missing.</summary>
    /// <exception cref="ContainerStartException">The destination cannot be created inside the root.</exception>
    public static string Create(string root, string destination, bool isFile)
    {
        var rootFd = Libc.open(root, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (rootFd < 0)
        {
            throw Fail(destination, $"opening the root {root}");
        }

        var current = rootFd;
        try
        {
            var realRoot = PathOf(rootFd);
            var resolved = InRootPath.Resolve(root, destination);
            var relative = Path.GetRelativePath(root, resolved);
            var components = relative == "." ? [] : relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < components.Length; i++)
            {
                var last = i == components.Length - 1;
                var name = components[i];
                var type = Libc.FileType(current, name);
                if (type < 0 && Errno.Last == Errno.ENOENT)
                {
                    var made = last && isFile
                        ? CreateFile(current, name)
                        : Libc.mkdirat(current, name, 0x1ED);
                    if (made < 0 && Errno.Last != Errno.EEXIST)
                    {
                        throw Fail(destination, $"creating {name}");
                    }

                    type = Libc.FileType(current, name);
                }

                if (type == Libc.S_IFLNK)
                {
                    // It was resolved a moment ago: a link here now means something is racing us. Refuse rather than follow.
                    throw Fail(destination, $"{name} turned into a symbolic link");
                }

                if (!last && type != Libc.S_IFDIR)
                {
                    throw Fail(destination, $"{name} is not a directory");
                }

                var next = Libc.openat(current, name, Libc.O_PATH | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
                if (next < 0)
                {
                    throw Fail(destination, $"opening {name}");
                }

                if (current != rootFd)
                {
                    Libc.close(current);
                }

                current = next;
            }

            var path = PathOf(current);
            return path == realRoot || path.StartsWith(realRoot + "/", StringComparison.Ordinal)
                ? path
                : throw Fail(destination, $"the mount point resolved to {path}, outside the root");
        }
        finally
        {
            if (current != rootFd)
            {
                Libc.close(current);
            }

            Libc.close(rootFd);
        }
    }

    /// <summary>
    /// Resolves <paramref name="destination"/> as the container will see it once <paramref name="mounts"/> are made:
    /// symbolic links are read from the root or from the bind source a path falls in, and never climb above the root.
    /// Paths under a non-bind mount (a fresh tmpfs) cannot hold links yet and are taken as they are.
    /// </summary>
    /// <returns>The container path with no symbolic links in it.</returns>
    public static string ResolveInContainer(string root, string destination, IReadOnlyList<(string Destination, string? BindSource)> mounts) =>
        "/" + (InRootPath.Walk(destination, candidate => HostPath(root, "/" + candidate, mounts) is { } host ? new FileInfo(host).LinkTarget : null)
            ?? throw new ContainerStartException($"creating the mount point {destination}", Errno.ELOOP, "ELOOP", $"cannot resolve the mount point {destination}: too many levels of symbolic links"));

    /// <summary>Returns the latest of <paramref name="mounts"/> whose destination is <paramref name="path"/> or above it, or default.</summary>
    public static (string Destination, string? BindSource) Covering(string path, IReadOnlyList<(string Destination, string? BindSource)> mounts) =>
        mounts.LastOrDefault(m => path == m.Destination || path.StartsWith(m.Destination + "/", StringComparison.Ordinal));

    /// <summary>Returns where a container path lives on the host now, or null where it is a mount's root or on a fresh file system.</summary>
    private static string? HostPath(string root, string path, IReadOnlyList<(string Destination, string? BindSource)> mounts)
    {
        var mount = Covering(path, mounts);
        return mount.Destination is null ? root + path
            : mount.BindSource is null || path == mount.Destination ? null
            : mount.BindSource + path[mount.Destination.Length..];
    }

    /// <summary>Returns the canonical path of a directory, every symbolic link in it resolved by the kernel.</summary>
    public static string RealPath(string directory)
    {
        var fd = Libc.open(directory, Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            throw Fail(directory, $"opening {directory}");
        }

        try
        {
            return PathOf(fd);
        }
        finally
        {
            Libc.close(fd);
        }
    }

    private static int CreateFile(int directory, string name)
    {
        var fd = Libc.openat(directory, name, Libc.O_CREAT | Libc.O_EXCL | Libc.O_WRONLY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0x1A4);
        if (fd >= 0)
        {
            Libc.close(fd);
        }

        return fd;
    }

    private static string PathOf(int fd) =>
        new FileInfo("/proc/self/fd/" + fd.ToString(System.Globalization.CultureInfo.InvariantCulture)).LinkTarget
            ?? throw new IOException($"cannot read the path of descriptor {fd}");

    private static ContainerStartException Fail(string destination, string what)
    {
        var errno = Errno.Last;
        return new ContainerStartException($"creating the mount point {destination}", errno, Errno.Name(errno), $"cannot create the mount point {destination} inside the container's root: {what} ({Errno.Describe(errno)})");
    }
}
