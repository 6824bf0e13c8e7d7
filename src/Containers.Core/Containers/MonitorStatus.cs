using System.Globalization;

namespace Containers.Containers;

/// <summary>
/// What a detached container's monitor last did about its restart policy, as it writes it to its status file (one line:
/// <c>STATE COUNT PID START_TICKS LAST_EXIT_CODE UNIX_NANOSECONDS</c>; see <c>monitor_restart.c</c>).
/// </summary>
/// <param name="Restarting">True between an exit and its restart; false once the process runs again.</param>
/// <param name="RestartCount">The restarts, counting the one under way.</param>
/// <param name="Pid">The running process, or 0 while restarting.</param>
/// <param name="PidStartTime">The process's start time (clock ticks since boot).</param>
/// <param name="LastExitCode">The exit code of the run before.</param>
/// <param name="At">When the process exited (restarting) or started (running).</param>
internal sealed record MonitorStatus(bool Restarting, int RestartCount, int Pid, ulong PidStartTime, int LastExitCode, DateTimeOffset At)
{
    /// <summary>Reads the status file, or returns null when there is none (yet) or it cannot be read.</summary>
    public static MonitorStatus? Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 6 || parts[0] is not ("running" or "restarting")
            || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var count)
            || !int.TryParse(parts[2], CultureInfo.InvariantCulture, out var pid)
            || !ulong.TryParse(parts[3], CultureInfo.InvariantCulture, out var ticks)
            || !int.TryParse(parts[4], CultureInfo.InvariantCulture, out var exitCode)
            || !long.TryParse(parts[5], CultureInfo.InvariantCulture, out var nanoseconds))
        {
            return null;
        }

        return new MonitorStatus(parts[0] == "restarting", count, pid, ticks, exitCode, DateTimeOffset.UnixEpoch.AddTicks(nanoseconds / 100));
    }

    /// <summary>Tells whether the status is newer than what <paramref name="state"/> recorded.</summary>
    public bool IsNewerThan(ContainerState state) =>
        RestartCount > state.RestartCount || (RestartCount == state.RestartCount && !Restarting && state.Status == ContainerStatus.Restarting);

    /// <summary>Applies the status to <paramref name="state"/>.</summary>
    public ContainerState ApplyTo(ContainerState state) => Restarting
        ? state with { Status = ContainerStatus.Restarting, RestartCount = RestartCount, Pid = 0, PidStartTime = 0, ExitCode = LastExitCode, FinishedAt = At }
        : state with { Status = ContainerStatus.Running, RestartCount = RestartCount, Pid = Pid, PidStartTime = PidStartTime, ExitCode = LastExitCode, StartedAt = At, OomKilled = false, Error = null };
}
