using Containers.Containers;

namespace Containers.Compose;

/// <summary>Waiting for the conditions of <c>depends_on</c> and for <c>--wait</c>.</summary>
public sealed partial class ComposeOrchestrator
{
    private async Task WaitConditionAsync(ComposeProject project, ServiceDependency dependency, IReadOnlyList<string> containers, TimeSpan timeout, CancellationToken cancellationToken)
    {
        foreach (var container in containers)
        {
            switch (dependency.Condition)
            {
                case DependencyCondition.Healthy:
                    await WaitUntilAsync(dependency.Service, container, timeout, "healthy", d => Healthy(dependency.Service, d), cancellationToken).ConfigureAwait(false);
                    break;
                case DependencyCondition.CompletedSuccessfully:
                    await WaitUntilAsync(dependency.Service, container, timeout, "completed", d => Completed(dependency.Service, d), cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    continue;
            }
        }

        ComposeLog.ConditionMet(_logger, project.Name, dependency.Service, dependency.Condition.ToString().ToLowerInvariant());
    }

    /// <summary>Waits until every container of the services runs (healthy, when it has a health check) or, for a one-shot job, has exited 0.</summary>
    private async Task WaitReadyAsync(ComposeProject project, IReadOnlyList<ServiceConfig> services, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await Task.WhenAll(services.SelectMany(service => Enumerable.Range(1, service.Replicas).Select(n => WaitUntilAsync(
            service.Name, ContainerName(project, service, n), timeout, "ready", d => Ready(service, d), cancellationToken)))).ConfigureAwait(false);
    }

    private async Task WaitUntilAsync(string service, string container, TimeSpan timeout, string what, Func<ContainerDetails, bool> done, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var details = await Containers.InspectAsync(container, cancellationToken).ConfigureAwait(false);
            if (done(details))
            {
                return;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new ComposeWaitException(service, container, $"not {what} after {timeout.TotalSeconds:0} s (status {details.State.Status.ToString().ToLowerInvariant()}{(details.Health is { } h ? ", " + h.StatusText : string.Empty)})");
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool Healthy(string service, ContainerDetails details)
    {
        if (details.HealthCheck is null)
        {
            throw new ComposeWaitException(service, details.Name, "a dependency waits for it to be healthy, but it has no healthcheck");
        }

        return details.Health?.Status switch
        {
            HealthStatus.Healthy when details.State.IsRunning => true,
            HealthStatus.Unhealthy => throw new ComposeWaitException(service, details.Name, $"it is unhealthy{LastCheck(details)}"),
            _ when Exited(details) => throw new ComposeWaitException(service, details.Name, $"it exited with code {details.State.ExitCode} before it was healthy"),
            _ => false,
        };
    }

    private static bool Completed(string service, ContainerDetails details) =>
        Exited(details) && (details.State.ExitCode == 0
            ? true
            : throw new ComposeWaitException(service, details.Name, $"it exited with code {details.State.ExitCode}, and a dependency needs it to complete successfully"));

    private static bool Ready(ServiceConfig service, ContainerDetails details)
    {
        if (Exited(details))
        {
            return details.State.ExitCode == 0 && service.Restart.Name is "no" or "on-failure"
                ? true
                : throw new ComposeWaitException(service.Name, details.Name, $"it exited with code {details.State.ExitCode}");
        }

        return details.HealthCheck is null
            ? details.State.Status == ContainerStatus.Running
            : Healthy(service.Name, details);
    }

    private static bool Exited(ContainerDetails details) =>
        details.State.Status is ContainerStatus.Exited or ContainerStatus.Dead || (details.State.Status == ContainerStatus.Created && details.State.FinishedAt is not null);

    private static string LastCheck(ContainerDetails details) =>
        details.Health is { Log.Count: > 0 } health ? $": the last check exited {health.Log[^1].ExitCode}: {health.Log[^1].Output.Trim()}" : string.Empty;
}
