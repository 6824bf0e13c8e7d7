namespace Containers.Containers;

/// <summary>
/// Merges the image's <c>HEALTHCHECK</c> with the container's options as Docker does (each unset field is the image's,
/// then Docker's default), and turns the test into the command a check runs.
/// </summary>
internal static class HealthCheckResolver
{
    private static readonly TimeSpan Minimum = TimeSpan.FromMilliseconds(1);

    /// <summary>Returns the effective check with every field set, or null when the container has none.</summary>
    /// <exception cref="InvalidContainerConfigurationException">A duration is below 1 ms, the retries are negative, or the test is malformed.</exception>
    public static HealthCheckConfig? Resolve(Oci.HealthCheck? image, ContainerCreateOptions options)
    {
        if (options.NoHealthCheck)
        {
            return null;
        }

        var user = options.HealthCheck ?? new HealthCheckConfig();
        var test = user.Test.Count > 0 ? user.Test : image?.Test ?? [];
        if (test.Count == 0 || test[0] == "NONE")
        {
            return null;
        }

        var resolved = new HealthCheckConfig
        {
            Test = test,
            Interval = Duration(user.Interval, image?.Interval, HealthCheckConfig.DefaultInterval, "interval"),
            Timeout = Duration(user.Timeout, image?.Timeout, HealthCheckConfig.DefaultTimeout, "timeout"),
            StartPeriod = Duration(user.StartPeriod, image?.StartPeriod, TimeSpan.Zero, "start-period", allowZero: true),
            StartInterval = Duration(user.StartInterval, image?.StartInterval, HealthCheckConfig.DefaultStartInterval, "start-interval"),
            Retries = user.Retries is > 0 ? user.Retries : image?.Retries is > 0 ? image.Retries : HealthCheckConfig.DefaultRetries,
        };
        if (user.Retries < 0)
        {
            throw new InvalidContainerConfigurationException("health-retries", "--health-retries cannot be negative");
        }

        _ = Command(resolved, null);
        return resolved;
    }

    /// <summary>Returns the program and arguments of a check: the test's after <c>CMD</c>, or the shell and the <c>CMD-SHELL</c> string.</summary>
    public static IReadOnlyList<string> Command(HealthCheckConfig check, IReadOnlyList<string>? shell) => check.Test switch
    {
        ["CMD", _, ..] => check.Test.Skip(1).ToList(),
        ["CMD-SHELL", var command] => [.. shell is { Count: > 0 } ? shell : ["/bin/sh", "-c"], command],
        _ => throw new InvalidContainerConfigurationException("health-cmd", $"unknown or malformed health check test [{string.Join(", ", check.Test)}]: use [\"CMD\", program, args...] or [\"CMD-SHELL\", command]"),
    };

    private static TimeSpan Duration(TimeSpan? user, long? imageNanoseconds, TimeSpan fallback, string name, bool allowZero = false)
    {
        if (user is { } value && value != TimeSpan.Zero)
        {
            if (value < (allowZero ? TimeSpan.Zero : Minimum))
            {
                throw new InvalidContainerConfigurationException("health-" + name, $"--health-{name} cannot be less than {(allowZero ? "0s" : "1ms")}");
            }

            return value;
        }

        return imageNanoseconds is > 0 ? TimeSpan.FromTicks(imageNanoseconds.Value / 100) : fallback;
    }
}
