namespace Containers.Containers;

/// <summary>A container's health, as Docker's <c>State.Health.Status</c>.</summary>
public enum HealthStatus
{
    /// <summary>The container has no health check.</summary>
    None,

    /// <summary>No check succeeded yet and failures have not reached the retries.</summary>
    Starting,

    /// <summary>The last check succeeded.</summary>
    Healthy,

    /// <summary>The checks failed <see cref="HealthCheckConfig.Retries"/> times in a row.</summary>
    Unhealthy,
}
