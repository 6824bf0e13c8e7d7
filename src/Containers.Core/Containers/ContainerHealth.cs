using System.Text.Json.Serialization;

namespace Containers.Containers;

/// <summary>A container's health, as Docker's <c>State.Health</c>: the status, the failing streak and the last results.</summary>
public sealed record ContainerHealth
{
    /// <summary>The number of results <see cref="Log"/> keeps, as Docker.</summary>
    public const int MaxLogEntries = 5;

    /// <summary>Gets the status.</summary>
    [JsonPropertyName("Status")]
    public HealthStatus Status { get; init; }

    /// <summary>Gets how many checks failed in a row (failures in the start period do not count).</summary>
    [JsonPropertyName("FailingStreak")]
    public int FailingStreak { get; init; }

    /// <summary>Gets the last results, oldest first.</summary>
    [JsonPropertyName("Log")]
    public IReadOnlyList<HealthCheckResult> Log { get; init; } = [];

    /// <summary>Gets the status as Docker writes it: <c>starting</c>, <c>healthy</c>, <c>unhealthy</c> or <c>none</c>.</summary>
    [JsonIgnore]
    public string StatusText => Status.ToString().ToLowerInvariant();
}
