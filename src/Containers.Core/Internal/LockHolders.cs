using System.Globalization;

namespace Containers.Internal;

/// <summary>
/// Finds the processes that hold a lock file open, for the message of a lock wait that timed out: the holder is the
/// one thing the user needs to know to act (wait for it, or end it).
/// </summary>
/// <remarks>
/// Reads <c>/proc/&lt;pid&gt;/fd</c> on Linux and finds nothing elsewhere. A process that inherited the descriptor
/// from the locker (a forked child) holds the lock too, so every process with the file open is reported, not only the
/// one that took the lock. Best effort: processes that exit or deny access while being read are skipped.
/// </remarks>
internal static class LockHolders
{
    /// <summary>Describes every other process that has <paramref name="lockPath"/> open, as "pid N (command line)"; empty when none is found.</summary>
    public static IReadOnlyList<string> Describe(string lockPath)
    {
        var holders = new List<string>();
        if (!Directory.Exists("/proc/self/fd"))
        {
            return holders;
        }

        var full = Path.GetFullPath(lockPath);
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            if (HasOpen(process, full))
            {
                holders.Add(string.Create(CultureInfo.InvariantCulture, $"pid {pid} ({CommandLine(process)})"));
            }
        }

        return holders;
    }

    private static bool HasOpen(string process, string path)
    {
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(process, "fd")))
            {
                if (string.Equals(new FileInfo(fd).LinkTarget, path, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process exited, or is not ours to look at.
        }

        return false;
    }

    private static string CommandLine(string process)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(process, "cmdline")).Replace('\0', ' ').Trim();
            return text.Length == 0 ? File.ReadAllText(Path.Combine(process, "comm")).Trim() : text.Length > 200 ? text[..200] + "..." : text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "exited";
        }
    }
}
