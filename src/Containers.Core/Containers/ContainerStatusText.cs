using System.Globalization;

namespace Containers.Containers;

/// <summary>Words a container's state as docker's <c>ps</c> does.</summary>
internal static class ContainerStatusText
{
    public static string Describe(ContainerState state, HealthStatus health = HealthStatus.None) => state.Status switch
    {
        ContainerStatus.Running => "Up " + Duration(DateTimeOffset.UtcNow - (state.StartedAt ?? DateTimeOffset.UtcNow)) + HealthSuffix(health),
        ContainerStatus.Paused => "Up " + Duration(DateTimeOffset.UtcNow - (state.StartedAt ?? DateTimeOffset.UtcNow)) + " (Paused)",
        ContainerStatus.Restarting => string.Create(CultureInfo.InvariantCulture, $"Restarting ({state.ExitCode}) {Duration(DateTimeOffset.UtcNow - (state.FinishedAt ?? DateTimeOffset.UtcNow))} ago"),
        ContainerStatus.Exited => string.Create(CultureInfo.InvariantCulture, $"Exited ({state.ExitCode}) {Duration(DateTimeOffset.UtcNow - (state.FinishedAt ?? DateTimeOffset.UtcNow))} ago"),
        ContainerStatus.Dead => "Dead",
        _ => "Created",
    };

    /// <summary>What docker's <c>ps</c> appends for a running container with a health check.</summary>
    public static string HealthSuffix(HealthStatus health) => health switch
    {
        HealthStatus.Starting => " (health: starting)",
        HealthStatus.Healthy => " (healthy)",
        HealthStatus.Unhealthy => " (unhealthy)",
        _ => string.Empty,
    };

    public static string Duration(TimeSpan span) =>
        span.TotalSeconds < 1 ? "Less than a second"
        : span.TotalMinutes < 1 ? Plural((int)span.TotalSeconds, "second")
        : span.TotalHours < 1 ? Plural((int)span.TotalMinutes, "minute")
        : span.TotalHours < 48 ? Plural((int)span.TotalHours, "hour")
        : Plural((int)span.TotalDays, "day");

    private static string Plural(int n, string unit) => n == 1 ? $"1 {unit}" : $"{n} {unit}s";
}
