using Containers.Containers;
using Containers.Testing;

namespace Containers.Linux.Tests.Runtime;

/// <summary>Health checks of containers this process holds: real execs in real containers, on the engine's timer.</summary>
public sealed class HealthCheckTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(100);

    private IContainerService Containers => fixture.Containers;

    private Task<ContainerDetails> RunAsync(HealthCheckConfig check, string image = "busybox") =>
        Containers.RunAsync(new ContainerCreateOptions { Image = image, Command = ["sleep", "600"], HealthCheck = check });

    private async Task<ContainerHealth> HealthWhenAsync(string id, Func<ContainerHealth, bool> condition, string what)
    {
        ContainerHealth? health = null;
        await Eventually.UntilAsync(async () => (health = (await Containers.InspectAsync(id)).Health) is { } h && condition(h), what);
        return health!;
    }

    [Fact]
    public async Task A_passing_check_takes_the_container_from_starting_to_healthy()
    {
        var container = await RunAsync(HealthCheckConfig.Shell("echo probing; test -f /tmp/ready") with { Interval = Fast, Retries = 1000 });
        container.Health!.Status.Should().Be(HealthStatus.Starting, "no check succeeded yet");
        container.HealthCheck!.Test.Should().Equal("CMD-SHELL", "echo probing; test -f /tmp/ready");

        var failing = await HealthWhenAsync(container.Id, h => h.FailingStreak >= 2, "two checks failed");
        failing.Status.Should().Be(HealthStatus.Starting, "the retries are not reached");
        failing.Log[^1].ExitCode.Should().Be(1);
        failing.Log[^1].Output.Should().Be("probing\n");
        failing.Log[^1].End.Should().BeOnOrAfter(failing.Log[^1].Start);

        (await Containers.ExecAsync(container.Id, ["touch", "/tmp/ready"])).ExitCode.Should().Be(0);
        var healthy = await HealthWhenAsync(container.Id, h => h.Status == HealthStatus.Healthy, "the container is healthy");
        healthy.FailingStreak.Should().Be(0);
        healthy.Log[^1].ExitCode.Should().Be(0);
        healthy.Log.Count.Should().BeLessThanOrEqualTo(ContainerHealth.MaxLogEntries);
        (await Containers.ListAsync()).Single(s => s.Id == container.Id).Status.Should().EndWith(" (healthy)");
        await Containers.RemoveAsync(container.Id, force: true);
    }

    [Fact]
    public async Task A_failing_check_makes_the_container_unhealthy_after_the_retries()
    {
        var container = await RunAsync(HealthCheckConfig.Shell("echo out; echo err >&2; exit 3") with { Interval = Fast, Retries = 3 });
        var unhealthy = await HealthWhenAsync(container.Id, h => h.Status == HealthStatus.Unhealthy, "the container is unhealthy");
        unhealthy.FailingStreak.Should().BeGreaterThanOrEqualTo(3);
        unhealthy.Log[^1].ExitCode.Should().Be(3);
        unhealthy.Log[^1].Output.Should().Contain("out\n").And.Contain("err\n", "standard output and error are both kept");
        (await Containers.ListAsync()).Single(s => s.Id == container.Id).Status.Should().EndWith(" (unhealthy)");
        await Containers.RemoveAsync(container.Id, force: true);
    }

    [Fact]
    public async Task A_check_that_outlives_its_timeout_fails_and_leaves_no_process()
    {
        var container = await RunAsync(HealthCheckConfig.Shell("sleep 3571 & sleep 3572") with { Interval = Fast, Timeout = TimeSpan.FromMilliseconds(300), Retries = 1000 });
        var health = await HealthWhenAsync(container.Id, h => h.Log.Count(r => r.ExitCode == -1) >= 3, "three checks timed out");
        health.Log.Should().OnlyContain(r => r.ExitCode == -1 && r.Output == "Health check exceeded timeout (300ms)");

        // Leftovers of the timed-out checks would pile up: at most the running check's two may be there.
        var leftovers = (await Containers.TopAsync(container.Id)).Count(p => p.Command.Contains("sleep 357", StringComparison.Ordinal));
        leftovers.Should().BeLessThanOrEqualTo(2, "each timed-out check was killed with what it started");
        await Containers.RemoveAsync(container.Id, force: true);
    }

    [Fact]
    public async Task Failures_in_the_start_period_do_not_count()
    {
        var container = await RunAsync(HealthCheckConfig.Shell("exit 1") with { Interval = TimeSpan.FromHours(1), StartInterval = Fast, StartPeriod = TimeSpan.FromHours(1), Retries = 1 });
        var health = await HealthWhenAsync(container.Id, h => h.Log.Count >= 3, "three checks ran at the start interval");
        health.Status.Should().Be(HealthStatus.Starting);
        health.FailingStreak.Should().Be(0);
        await Containers.RemoveAsync(container.Id, force: true);
    }

    [Fact]
    public async Task The_images_healthcheck_is_used_and_no_healthcheck_disables_it()
    {
        await fixture.Test.ImportBusyboxAsync("busybox-healthy:latest", changes: ["CMD [\"/bin/sh\"]", "HEALTHCHECK --interval=100ms --retries=1 CMD [\"true\"]"]);

        var fromImage = await Containers.RunAsync(new ContainerCreateOptions { Image = "busybox-healthy", Command = ["sleep", "600"] });
        fromImage.HealthCheck!.Test.Should().Equal("CMD", "true");
        fromImage.HealthCheck.Interval.Should().Be(Fast);
        await HealthWhenAsync(fromImage.Id, h => h.Status == HealthStatus.Healthy, "the image's check made it healthy");

        var disabled = await Containers.RunAsync(new ContainerCreateOptions { Image = "busybox-healthy", Command = ["sleep", "600"], NoHealthCheck = true });
        disabled.HealthCheck.Should().BeNull();
        await Task.Delay(500);
        (await Containers.InspectAsync(disabled.Id)).Health.Should().BeNull("--no-healthcheck disables the image's check");
        (await Containers.ListAsync()).Single(s => s.Id == disabled.Id).Status.Should().NotContain("health");

        (await Containers.RunHealthCheckAsync(fromImage.Id)).ExitCode.Should().Be(0, "a check can run on demand");
        await FluentActions.Awaiting(() => Containers.RunHealthCheckAsync(disabled.Id)).Should().ThrowAsync<InvalidContainerConfigurationException>();
        await Containers.RemoveAsync(fromImage.Id, force: true);
        await Containers.RemoveAsync(disabled.Id, force: true);
    }
}
