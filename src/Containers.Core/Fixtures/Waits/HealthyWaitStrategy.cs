using Containers.Containers;

namespace Containers.Fixtures;

/// <summary>
/// Waits until the container's health check (the image's <c>HEALTHCHECK</c> or <see cref="ContainerBuilder.WithHealthCheck"/>)
/// reports it healthy. An unhealthy report ends the wait at once, as does a container without a health check.
/// </summary>
public sealed record HealthyWaitStrategy : IWaitStrategy
{
    /// <inheritdoc/>
    public TimeSpan Timeout { get; init; } = Wait.DefaultTimeout;

    /// <inheritdoc/>
    public string Description => "health check reporting healthy";

    /// <summary>Returns a copy that waits at most <paramref name="timeout"/>.</summary>
    public HealthyWaitStrategy WithTimeout(TimeSpan timeout) => this with { Timeout = timeout };

    /// <inheritdoc/>
    public Task<bool> IsReadyAsync(WaitContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Details.HealthCheck is null)
        {
            // Waiting would only run into the timeout: say why now.
            throw new WaitFailedException("the container has no health check: give the image a HEALTHCHECK or the builder WithHealthCheck");
        }

        var health = context.Details.Health;
        if (health?.Status == HealthStatus.Unhealthy)
        {
            var last = health.Log.Count > 0 ? health.Log[^1] : null;
            throw new WaitFailedException(last is null
                ? "the container became unhealthy"
                : $"the container became unhealthy: the last check exited {last.ExitCode}: {last.Output.Trim()}");
        }

        return Task.FromResult(health?.Status == HealthStatus.Healthy);
    }
}
