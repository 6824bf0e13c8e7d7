using Containers.Containers;
using Containers.Internal;

namespace Containers.Linux.Runtime;

/// <summary>
/// Finds a container's program as execve inside the container will: a name without a slash is searched in the
/// container's <c>PATH</c>, inside its root. Doing it here turns "not found" into Docker's exit code 127 and message.
/// </summary>
internal static class ExecutableResolver
{
    public static string Resolve(string rootfs, string program, IReadOnlyList<string>? environment, string cwd)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            var path = program.StartsWith('/') ? program : Path.Combine(cwd, program);
            return Check(rootfs, path, program) ?? throw NotFound(program, $"exec: \"{program}\": stat {program}: no such file or directory");
        }

        var searchPath = environment?.LastOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?[5..] ?? CommandResolver.DefaultPath;
        foreach (var directory in searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Check(rootfs, directory.TrimEnd('/') + "/" + program, program) is { } found)
            {
                return found;
            }
        }

        throw NotFound(program, $"exec: \"{program}\": executable file not found in $PATH");
    }

    /// <summary>Returns the path when it names a regular file in the container; throws when it exists but cannot be executed.</summary>
    private static string? Check(string rootfs, string path, string program)
    {
        var host = InRootPath.Resolve(rootfs, path);
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

    private static ContainerCommandException NotFound(string program, string message) => new(program, 127, message);
}
