using System.Text.Json.Serialization;

namespace Containers.Containers;

/// <summary>One run of a health check, as an entry of Docker's <c>State.Health.Log</c>.</summary>
public sealed record HealthCheckResult
{
    /// <summary>The most output a result keeps, as Docker (4096 bytes, then <c>...</c>).</summary>
    public const int MaxOutputBytes = 4096;

    /// <summary>Gets when the check started.</summary>
    [JsonPropertyName("Start")]
    public DateTimeOffset Start { get; init; }

    /// <summary>Gets when it ended.</summary>
    [JsonPropertyName("End")]
    public DateTimeOffset End { get; init; }

    /// <summary>Gets its exit code: 0 healthy, anything else a failure; -1 when it timed out or could not run.</summary>
    [JsonPropertyName("ExitCode")]
    public int ExitCode { get; init; }

    /// <summary>Gets its standard output and error, truncated to <see cref="MaxOutputBytes"/>.</summary>
    [JsonPropertyName("Output")]
    public string Output { get; init; } = string.Empty;
}
