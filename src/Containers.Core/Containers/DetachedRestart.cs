namespace Containers.Containers;

/// <summary>
/// A restart policy as a detached container's monitor applies it once nobody else watches: every decision made here,
/// as data (which exits restart, how often, the back-off delays), so the monitor only waits and starts the process again.
/// </summary>
/// <param name="OnSuccess">Whether an exit with code 0 restarts the container.</param>
/// <param name="OnFailure">Whether an exit with another code restarts the container.</param>
/// <param name="MaximumRetryCount">At most this many restarts in all (counting <paramref name="RestartCount"/>); 0 for no limit.</param>
/// <param name="RestartCount">The restarts so far.</param>
/// <param name="Paths">Where the monitor reads the user's stop and writes what it did.</param>
public sealed record DetachedRestart(bool OnSuccess, bool OnFailure, int MaximumRetryCount, int RestartCount, DetachedRestartPaths Paths)
{
    /// <summary>Gets the first delay before a restart, as Docker's.</summary>
    public static TimeSpan InitialDelay { get; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets the longest delay before a restart, as Docker's.</summary>
    public static TimeSpan MaximumDelay { get; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets how long a run must last for the delays to start over, as Docker's.</summary>
    public static TimeSpan ResetAfter { get; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets the delay before each consecutive restart, doubling from <see cref="InitialDelay"/>; the last repeats.</summary>
    public static IReadOnlyList<TimeSpan> Delays { get; } = Schedule();

    /// <summary>Returns what the monitor needs for <paramref name="policy"/>, or null when the policy never restarts.</summary>
    /// <remarks>
    /// <c>always</c> and <c>unless-stopped</c> act alike while the monitor lives: neither restarts after a user's stop.
    /// They differ only when the host rebooted (see the README's restart policies).
    /// </remarks>
    public static DetachedRestart? For(RestartPolicy policy, int restartCount, DetachedRestartPaths paths)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Name switch
        {
            "always" or "unless-stopped" => new DetachedRestart(true, true, 0, restartCount, paths),
            "on-failure" => new DetachedRestart(false, true, policy.MaximumRetryCount, restartCount, paths),
            _ => null,
        };
    }

    private static List<TimeSpan> Schedule()
    {
        var delays = new List<TimeSpan>();
        for (var delay = InitialDelay; delay < MaximumDelay; delay *= 2)
        {
            delays.Add(delay);
        }

        delays.Add(MaximumDelay);
        return delays;
    }
}

/// <summary>The files through which a detached container's monitor and the engine share its restarts.</summary>
/// <param name="PlanPath">Where the runtime stores the process's prepared spawn plan for the monitor.</param>
/// <param name="StatusPath">The file the monitor replaces at each exit it restarts and each restart (<see cref="MonitorStatus"/>).</param>
/// <param name="StopMarkerPath">The file whose presence tells the monitor a user stopped the container: no more restarts.</param>
public sealed record DetachedRestartPaths(string PlanPath, string StatusPath, string StopMarkerPath);
