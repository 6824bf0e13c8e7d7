namespace Containers.Containers;

/// <summary>
/// Configures a container's health check, as Docker's <c>HEALTHCHECK</c> and <c>--health-*</c> flags do. Unset values
/// come from the image's <c>HEALTHCHECK</c>, then from Docker's defaults (30 s, 30 s, 0 s, 5 s, 3 retries).
/// </summary>
public sealed record HealthCheckConfig
{
    /// <summary>Docker's default time between checks.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);

    /// <summary>Docker's default time one check may run.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Docker's default time between checks during the start period.</summary>
    public static readonly TimeSpan DefaultStartInterval = TimeSpan.FromSeconds(5);

    /// <summary>Docker's default number of consecutive failures that make a container unhealthy.</summary>
    public const int DefaultRetries = 3;

    /// <summary>
    /// Gets the test: <c>["NONE"]</c> disables the image's check; <c>["CMD", program, args...]</c> runs a program;
    /// <c>["CMD-SHELL", command]</c> runs a command with <c>/bin/sh -c</c>; empty inherits the image's.
    /// </summary>
    public IReadOnlyList<string> Test { get; init; } = [];

    /// <summary>Gets the time between the end of one check and the start of the next.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>Gets how long one check may run before it is killed and counted as failed.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Gets the start-up grace period: failures then do not count, though a success makes the container healthy.</summary>
    public TimeSpan? StartPeriod { get; init; }

    /// <summary>Gets the time between checks during the start period.</summary>
    public TimeSpan? StartInterval { get; init; }

    /// <summary>Gets how many consecutive failures make the container unhealthy.</summary>
    public int? Retries { get; init; }

    /// <summary>Builds a check that runs <paramref name="command"/> with <c>/bin/sh -c</c> (<c>--health-cmd</c>).</summary>
    public static HealthCheckConfig Shell(string command) => new() { Test = ["CMD-SHELL", command] };

    /// <summary>Builds a check that runs a program with arguments, without a shell.</summary>
    public static HealthCheckConfig Exec(params string[] command) => new() { Test = ["CMD", .. command] };
}
