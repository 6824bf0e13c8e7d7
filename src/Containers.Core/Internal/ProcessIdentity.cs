using System.Globalization;

namespace Containers.Internal;

/// <summary>
/// Names a process so that a later process reusing its ID is not taken for it: the ID and the start time in clock
/// ticks since boot (field 22 of <c>/proc/&lt;pid&gt;/stat</c>, the unit the runtime compares).
/// </summary>
internal readonly record struct ProcessIdentity(int Pid, ulong StartTime)
{
    /// <summary>Gets this process's identity; the start time is 0 where <c>/proc</c> is missing.</summary>
    public static ProcessIdentity Current { get; } = new(Environment.ProcessId, ReadStartTime("/proc/self/stat"));

    /// <summary>Formats as "PID STARTTIME".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Pid} {StartTime}");

    /// <summary>Parses "PID STARTTIME"; an unreadable text gives <see langword="null"/>.</summary>
    public static ProcessIdentity? Parse(ReadOnlySpan<char> pid, ReadOnlySpan<char> startTime) =>
        int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && ulong.TryParse(startTime, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            ? new ProcessIdentity(p, s)
            : null;

    private static ulong ReadStartTime(string path)
    {
        try
        {
            // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
            var stat = File.ReadAllText(path);
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return ulong.Parse(fields[19], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }
}
