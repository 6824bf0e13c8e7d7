using Containers.Containers;
using Containers.Storage;

namespace Containers.Linux.Runtime;

/// <summary>
/// Finds a container's program as execve inside the container will: a name without a slash is searched in the
/// container's <c>PATH</c>, inside its root. Doing it here turns "not found" into Docker's exit code 127 and message.
/// A path under a bind mount of the specification is looked up in the mount's source, as the container will see it
/// once its mounts are made (the lookup runs before them).
/// </summary>
internal static class ExecutableResolver
{
    public static string Resolve(string rootfs, string program, IReadOnlyList<string>? environment, string cwd, IReadOnlyList<global::Containers.Oci.Runtime.RuntimeMount>? mounts = null)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            var path = program.StartsWith('/') ? program : Path.Combine(cwd, program);
            return Check(rootfs, path, program, mounts) ?? throw NotFound(program, $"exec: \"{program}\": stat {program}: no such file or directory");
        }

        var searchPath = environment?.LastOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?[5..] ?? CommandResolver.DefaultPath;
        foreach (var directory in searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Check(rootfs, directory.TrimEnd('/') + "/" + program, program, mounts) is { } found)
            {
                return found;
            }
        }

        throw NotFound(program, $"exec: \"{program}\": executable file not found in $PATH");
    }

    /// <summary>Returns the path when it names a regular file in the container; throws when it exists but cannot be executed.</summary>
    private static string? Check(string rootfs, string path, string program, IReadOnlyList<global::Containers.Oci.Runtime.RuntimeMount>? mounts)
    {
        var host = HostPath(rootfs, path, mounts);
        var info = new FileInfo(host);
        if (!info.Exists)
        {
            return Directory.Exists(host) ? throw new ContainerCommandException(program, 126, $"exec: \"{program}\": is a directory: permission denied") : null;
        }

        const UnixFileMode Execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (info.UnixFileMode & Execute) != 0
            ? path
            : throw new ContainerCommandException(program, 126, $"exec: \"{program}\": permission denied");
    }

    /// <summary>Returns where a container path is on the host: in the source of the innermost bind mount covering it, else in the root.</summary>
    private static string HostPath(string rootfs, string path, IReadOnlyList<global::Containers.Oci.Runtime.RuntimeMount>? mounts)
    {
        var normalized = "/" + string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != "."));
        var mount = mounts?
            .Where(m => m.Source is not null && (m.Type == "bind" || m.Options?.Any(o => o is "bind" or "rbind") == true))
            .Where(m => Covers(m.Destination, normalized))
            .OrderByDescending(m => m.Destination.TrimEnd('/').Length)
            .FirstOrDefault();
        if (mount is null)
        {
            return InRootPath.Resolve(rootfs, path);
        }

        var relative = normalized[mount.Destination.TrimEnd('/').Length..].TrimStart('/');
        return relative.Length == 0 ? mount.Source! : InRootPath.Resolve(mount.Source!, relative);
    }

    private static bool Covers(string destination, string path)
    {
        var root = destination.TrimEnd('/');
        return path == root || path.StartsWith(root + "/", StringComparison.Ordinal);
    }

    private static ContainerCommandException NotFound(string program, string message) => new(program, 127, message);
}
