using Containers.Archives;
using Containers.Containers;

namespace Containers.Core.Tests.Containers;

/// <summary>The health status as Docker computes it, the merge of image and options, and Docker's duration syntax.</summary>
public sealed class HealthCheckModelTests
{
    private static readonly DateTimeOffset Started = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static HealthCheckResult Result(double secondsAfterStart, int exitCode) =>
        new() { Start = Started.AddSeconds(secondsAfterStart), End = Started.AddSeconds(secondsAfterStart + 0.1), ExitCode = exitCode };

    private static HealthCheckConfig Check(int retries = 3, double startPeriodSeconds = 0) =>
        new() { Test = ["CMD-SHELL", "true"], Retries = retries, StartPeriod = TimeSpan.FromSeconds(startPeriodSeconds) };

    [Fact]
    public void A_container_starts_starting_turns_healthy_on_success_and_unhealthy_after_the_retries_in_a_row()
    {
        HealthLog.Compute(Check(), Started, []).Status.Should().Be(HealthStatus.Starting);
        HealthLog.Compute(Check(), Started, [Result(1, 1), Result(2, 1)]).Should().Match<ContainerHealth>(h => h.Status == HealthStatus.Starting && h.FailingStreak == 2);
        HealthLog.Compute(Check(), Started, [Result(1, 1), Result(2, 1), Result(3, 2)]).Should().Match<ContainerHealth>(h => h.Status == HealthStatus.Unhealthy && h.FailingStreak == 3);
        HealthLog.Compute(Check(), Started, [Result(1, 1), Result(2, 0)]).Should().Match<ContainerHealth>(h => h.Status == HealthStatus.Healthy && h.FailingStreak == 0);
        HealthLog.Compute(Check(), Started, [Result(1, 0), Result(2, 1), Result(3, -1)]).Should().Match<ContainerHealth>(h => h.Status == HealthStatus.Healthy && h.FailingStreak == 2, "a healthy container stays healthy until the retries are reached");
    }

    [Fact]
    public void Failures_in_the_start_period_do_not_count_until_a_success()
    {
        var check = Check(retries: 1, startPeriodSeconds: 10);
        HealthLog.Compute(check, Started, [Result(1, 1), Result(5, 1), Result(9, 1)]).Should().Match<ContainerHealth>(h => h.Status == HealthStatus.Starting && h.FailingStreak == 0);
        HealthLog.Compute(check, Started, [Result(1, 1), Result(11, 1)]).Status.Should().Be(HealthStatus.Unhealthy, "the start period is over");
        HealthLog.Compute(check, Started, [Result(1, 0), Result(2, 1)]).Status.Should().Be(HealthStatus.Unhealthy, "after a success the start period no longer protects");
    }

    [Fact]
    public void The_log_keeps_the_last_five_results_and_output_is_cut_at_4096_bytes()
    {
        var results = Enumerable.Range(0, 8).Select(i => Result(i, i)).ToList();
        HealthLog.Compute(Check(retries: 100), Started, results).Log.Select(r => r.ExitCode).Should().Equal(3, 4, 5, 6, 7);

        var output = new byte[5000];
        Array.Fill(output, (byte)'x');
        HealthLog.Truncate(output, 5000).Should().Be(new string('x', 4096) + "...");
        HealthLog.Truncate(output, 10).Should().Be(new string('x', 10));
    }

    [Fact]
    public void Options_override_the_images_check_field_by_field_and_defaults_fill_the_rest()
    {
        var image = new global::Containers.Oci.HealthCheck { Test = ["CMD", "probe"], Interval = 2_000_000_000, Retries = 7 };
        var merged = HealthCheckResolver.Resolve(image, new ContainerCreateOptions { Image = "x", HealthCheck = new HealthCheckConfig { Timeout = TimeSpan.FromSeconds(4) } });
        merged.Should().BeEquivalentTo(new HealthCheckConfig
        {
            Test = ["CMD", "probe"],
            Interval = TimeSpan.FromSeconds(2),
            Timeout = TimeSpan.FromSeconds(4),
            StartPeriod = TimeSpan.Zero,
            StartInterval = TimeSpan.FromSeconds(5),
            Retries = 7,
        });
        HealthCheckResolver.Resolve(image, new ContainerCreateOptions { Image = "x", NoHealthCheck = true }).Should().BeNull();
        HealthCheckResolver.Resolve(new global::Containers.Oci.HealthCheck { Test = ["NONE"] }, new ContainerCreateOptions { Image = "x" }).Should().BeNull();
        HealthCheckResolver.Resolve(null, new ContainerCreateOptions { Image = "x" }).Should().BeNull();
        HealthCheckResolver.Command(HealthCheckConfig.Shell("curl -f localhost"), null).Should().Equal("/bin/sh", "-c", "curl -f localhost");
        HealthCheckResolver.Command(HealthCheckConfig.Exec("probe", "-q"), null).Should().Equal("probe", "-q");
        FluentActions.Invoking(() => HealthCheckResolver.Resolve(null, new ContainerCreateOptions { Image = "x", HealthCheck = new HealthCheckConfig { Test = ["BOGUS"] } }))
            .Should().Throw<InvalidContainerConfigurationException>();
        FluentActions.Invoking(() => HealthCheckResolver.Resolve(null, new ContainerCreateOptions { Image = "x", HealthCheck = HealthCheckConfig.Shell("true") with { Interval = TimeSpan.FromTicks(10) } }))
            .Should().Throw<InvalidContainerConfigurationException>().Which.Setting.Should().Be("health-interval");
    }

    [Fact]
    public void Durations_read_and_write_as_go_and_the_healthcheck_instruction_parses()
    {
        GoDuration.Parse("1m30s").Should().Be(TimeSpan.FromSeconds(90));
        GoDuration.Parse("250ms").Should().Be(TimeSpan.FromMilliseconds(250));
        GoDuration.Parse("0").Should().Be(TimeSpan.Zero);
        FluentActions.Invoking(() => GoDuration.Parse("10")).Should().Throw<FormatException>();
        GoDuration.Format(TimeSpan.FromMilliseconds(300)).Should().Be("300ms");
        GoDuration.Format(TimeSpan.FromSeconds(90)).Should().Be("1m30s");
        GoDuration.Format(TimeSpan.FromSeconds(2)).Should().Be("2s");

        var check = HealthCheckInstruction.Parse("--interval=5s --retries=2 CMD curl -f http://localhost/", _ => []);
        check.Test.Should().Equal("CMD-SHELL", "curl -f http://localhost/");
        check.Interval.Should().Be(5_000_000_000);
        check.Retries.Should().Be(2);
        HealthCheckInstruction.Parse("NONE", _ => []).Test.Should().Equal("NONE");
        FluentActions.Invoking(() => HealthCheckInstruction.Parse("--bogus=1 CMD true", _ => [])).Should().Throw<FormatException>();
    }
}
