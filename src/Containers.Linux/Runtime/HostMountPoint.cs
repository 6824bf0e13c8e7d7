namespace Containers.Linux.Runtime;

/// <summary>Finds the mount a host path lies on, from this process's /proc/self/mountinfo.</summary>
internal static class HostMountPoint
{
    /// <summary>Returns the longest mount point that contains <paramref name="path"/> ("/" at least).</summary>
    public static string Of(string path) =>
        File.ReadLines("/proc/self/mountinfo")
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length > 4)
            .Select(fields => fields[4])
            .Where(point => point == "/" || path == point || path.StartsWith(point + "/", StringComparison.Ordinal))
            .DefaultIfEmpty("/")
            .MaxBy(point => point.Length)!;
}
