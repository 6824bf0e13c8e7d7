using System.Globalization;

namespace Containers.Linux.Runtime;

/// <summary>Reads process facts from <c>/proc</c>: start time (to tell a process from a later one with the same ID), parent, owner, command.</summary>
internal static class ProcStat
{
    /// <summary>Returns the start time in clock ticks since boot, or null when the process does not exist.</summary>
    public static ulong? StartTime(int pid) => Field(pid, 22) is { } value ? ulong.Parse(value, CultureInfo.InvariantCulture) : null;

    /// <summary>Returns the start time of a process that still runs: null when it does not exist or is a zombie waiting for its parent.</summary>
    public static ulong? LiveStartTime(int pid) =>
        Field(pid, 3) is { } state && state is not ("Z" or "X" or "x") ? StartTime(pid) : null;

    /// <summary>Returns the state letter (R, S, Z, ...), or null when the process does not exist.</summary>
    public static char? State(int pid) => Field(pid, 3) is { Length: > 0 } value ? value[0] : null;

    public static int ParentPid(int pid) => Field(pid, 4) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : 0;

    /// <summary>Returns field <paramref name="number"/> (1-based, as proc(5) counts) of <c>/proc/PID/stat</c>.</summary>
    private static string? Field(int pid, int number)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command (field 2) is in parentheses and may itself hold spaces or parentheses.
        var close = stat.LastIndexOf(')');
        var fields = stat[(close + 2)..].Split(' ');
        return fields.Length > number - 3 ? fields[number - 3] : null;
    }

    public static uint Uid(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            return line is null ? 0 : uint.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    public static string CommandLine(int pid)
    {
        try
        {
            var raw = File.ReadAllText($"/proc/{pid}/cmdline");
            return raw.TrimEnd('\0').Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
