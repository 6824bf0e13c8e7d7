using System.Text.Json.Serialization;

namespace Containers.Oci;

/// <summary>Describes how to test that a container works, as Docker's <c>HEALTHCHECK</c> does.</summary>
/// <remarks>Durations are in nanoseconds on the wire, as Docker writes them; zero means "inherit the default".</remarks>
public sealed record HealthCheck
{
    /// <summary>Gets the test: <c>["NONE"]</c>, <c>["CMD", exe, args...]</c> or <c>["CMD-SHELL", command]</c>.</summary>
    [JsonPropertyName("Test")]
    public IReadOnlyList<string>? Test { get; init; }

    /// <summary>Gets the time between checks, in nanoseconds.</summary>
    [JsonPropertyName("Interval")]
    public long? Interval { get; init; }

    /// <summary>Gets how long one check may run, in nanoseconds.</summary>
    [JsonPropertyName("Timeout")]
    public long? Timeout { get; init; }

    /// <summary>Gets the start-up grace period, in nanoseconds.</summary>
    [JsonPropertyName("StartPeriod")]
    public long? StartPeriod { get; init; }

    /// <summary>Gets the time between checks during the start period, in nanoseconds.</summary>
    [JsonPropertyName("StartInterval")]
    public long? StartInterval { get; init; }

    /// <summary>Gets how many consecutive failures make the container unhealthy.</summary>
    [JsonPropertyName("Retries")]
    public int? Retries { get; init; }
}
