using Containers.Fixtures;

namespace Containers.Linux.Tests.Fixtures;

/// <summary>Each wait strategy: it holds the start until the container is ready, and fails it (removing the container) when it cannot be.</summary>
public sealed class WaitStrategyTests(FixtureEngine fixture) : IClassFixture<FixtureEngine>
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(3);

    private static ContainerBuilder Busybox(params string[] command) => new ContainerBuilder("busybox").WithCommand(command);

    [Fact]
    public async Task Port_wait_returns_once_the_service_listens_and_it_answers_at_once()
    {
        await using var web = await Busybox("sh", "-c", "echo hi > /tmp/index.html; sleep 1; exec httpd -f -p 8080 -h /tmp")
            .WithPortBinding(8080)
            .WithWaitStrategy(Wait.ForPort(8080))
            .StartAsync(fixture.Engine);

        using var client = new HttpClient();
        (await client.GetStringAsync($"http://{web.Host}:{web.GetMappedPort(8080)}/index.html")).Should().Be("hi\n");
    }

    [Fact]
    public async Task Port_wait_looks_inside_the_container_so_a_loopback_only_listener_is_not_ready()
    {
        // The published port's forwarding exists from the start; only the container's own sockets tell readiness.
        var act = () => Busybox("httpd", "-f", "-p", "127.0.0.1:8080")
            .WithPortBinding(8080)
            .WithWaitStrategy(Wait.ForPort(8080).WithTimeout(Short))
            .StartAsync(fixture.Engine);

        var failure = (await act.Should().ThrowAsync<ContainerWaitException>()).Which;
        failure.TimedOut.Should().BeTrue();
        failure.ExitCode.Should().BeNull();
        failure.WaitingFor.Should().Be("port 8080/tcp listening");
        await ShouldBeGoneAsync(failure.ContainerId);
    }

    [Fact]
    public async Task Log_wait_counts_matching_lines()
    {
        await using var container = await Busybox("sh", "-c", "echo starting; sleep 1; echo ready; echo not yet >&2; sleep 1; echo ready; exec sleep 1000")
            .WithWaitStrategy(Wait.ForLogLine("^ready$", times: 2))
            .StartAsync(fixture.Engine);

        var (stdout, stderr) = await container.GetLogsAsync();
        stdout.Should().Be("starting\nready\nready\n");
        stderr.Should().Be("not yet\n");
    }

    [Fact]
    public async Task A_container_that_exits_early_fails_the_start_at_once_with_its_exit_code_and_last_logs()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var act = () => Busybox("sh", "-c", "echo configuring; echo 'fatal: no config' >&2; exit 3")
            .WithName("exits-early")
            .WithWaitStrategy(Wait.ForLogLine("never printed"))
            .StartAsync(fixture.Engine);

        var failure = (await act.Should().ThrowAsync<ContainerWaitException>()).Which;
        started.Elapsed.Should().BeLessThan(Wait.DefaultTimeout, "an exit ends the wait, not the timeout");
        failure.ExitCode.Should().Be(3);
        failure.TimedOut.Should().BeFalse();
        failure.ContainerName.Should().Be("exits-early");
        failure.LastLogLines.Should().BeEquivalentTo("configuring", "fatal: no config"); // the two streams are read apart
        failure.Message.Should().Contain("exited with code 3").And.Contain("fatal: no config");
        await ShouldBeGoneAsync(failure.ContainerId);
    }

    [Fact]
    public async Task Http_wait_checks_status_and_body()
    {
        await using var web = await Busybox("sh", "-c", "sleep 1; echo '{\"status\":\"up\"}' > /tmp/health; exec httpd -f -p 80 -h /tmp")
            .WithPortBinding(80)
            .WithWaitStrategy(Wait.ForHttp(80, "/health").ForBody(body => body.Contains("\"up\"", StringComparison.Ordinal)))
            .StartAsync(fixture.Engine);

        using var client = new HttpClient();
        (await client.GetStringAsync($"http://127.0.0.1:{web.GetMappedPort(80)}/health")).Should().Contain("up");
    }

    [Fact]
    public async Task Http_wait_times_out_on_an_unwanted_status()
    {
        var act = () => Busybox("httpd", "-f", "-p", "80", "-h", "/tmp")
            .WithPortBinding(80)
            .WithWaitStrategy(Wait.ForHttp(80, "/missing").WithTimeout(Short))
            .StartAsync(fixture.Engine);

        var failure = (await act.Should().ThrowAsync<ContainerWaitException>()).Which;
        failure.TimedOut.Should().BeTrue();
        failure.WaitingFor.Should().Contain("/missing");
        await ShouldBeGoneAsync(failure.ContainerId);
    }

    [Fact]
    public async Task Http_wait_reaches_an_unpublished_port_at_the_containers_address()
    {
        await using var web = await Busybox("httpd", "-f", "-p", "8000", "-h", "/bin")
            .WithWaitStrategy(Wait.ForHttp(8000, "/busybox").ForStatusCode(System.Net.HttpStatusCode.OK, System.Net.HttpStatusCode.Forbidden))
            .StartAsync(fixture.Engine);

        (await web.GetAddressAsync()).Should().NotBeNull();
    }

    [Fact]
    public async Task Command_wait_runs_until_the_command_exits_0()
    {
        await using var container = await Busybox("sh", "-c", "sleep 1; touch /tmp/ready; exec sleep 1000")
            .WithWaitStrategy(Wait.ForCommand("test", "-f", "/tmp/ready"))
            .StartAsync(fixture.Engine);

        (await container.ExecAsync(["ls", "/tmp"])).Stdout.Should().Be("ready\n");
    }

    [Fact]
    public async Task Command_wait_times_out_when_the_command_keeps_failing()
    {
        var act = () => Busybox("sleep", "1000")
            .WithWaitStrategy(Wait.ForCommand("false").WithTimeout(Short))
            .StartAsync(fixture.Engine);

        var failure = (await act.Should().ThrowAsync<ContainerWaitException>()).Which;
        failure.TimedOut.Should().BeTrue();
        await ShouldBeGoneAsync(failure.ContainerId);
    }

    [Fact]
    public async Task Healthy_wait_returns_once_the_health_check_passes()
    {
        await using var container = await Busybox("sh", "-c", "sleep 2; touch /tmp/ready; exec sleep 1000")
            .WithHealthCheck(new Containers.HealthCheckConfig { Test = ["CMD", "test", "-f", "/tmp/ready"], Interval = TimeSpan.FromMilliseconds(300), StartPeriod = TimeSpan.FromMinutes(1) })
            .WithWaitStrategy(Wait.ForHealthy())
            .StartAsync(fixture.Engine);

        var details = await fixture.Engine.Containers.InspectAsync(container.Id);
        details.Health!.Status.Should().Be(Containers.HealthStatus.Healthy);
        (await container.ExecAsync(["ls", "/tmp"])).Stdout.Should().Be("ready\n");
    }

    [Fact]
    public async Task Healthy_wait_fails_at_once_when_the_container_turns_unhealthy_or_has_no_check()
    {
        var unhealthy = () => Busybox("sleep", "1000")
            .WithHealthCheck(new Containers.HealthCheckConfig { Test = ["CMD-SHELL", "echo broken; exit 1"], Interval = TimeSpan.FromMilliseconds(300), Retries = 1 })
            .WithWaitStrategy(Wait.ForHealthy())
            .StartAsync(fixture.Engine);

        var failure = (await unhealthy.Should().ThrowAsync<ContainerWaitException>()).Which;
        failure.TimedOut.Should().BeFalse();
        failure.ToString().Should().Contain("unhealthy").And.Contain("broken");
        await ShouldBeGoneAsync(failure.ContainerId);

        var unchecked_ = () => Busybox("sleep", "1000").WithWaitStrategy(Wait.ForHealthy()).StartAsync(fixture.Engine);
        var none = (await unchecked_.Should().ThrowAsync<ContainerWaitException>()).Which;
        none.ToString().Should().Contain("no health check");
        await ShouldBeGoneAsync(none.ContainerId);
    }

    [Fact]
    public async Task All_of_waits_for_every_part_and_names_the_one_that_was_late()
    {
        await using (await Busybox("sh", "-c", "echo booting; sleep 1; echo listening; exec httpd -f -p 8080")
            .WithWaitStrategy(Wait.ForAll(Wait.ForLogLine("listening"), Wait.ForPort(8080)))
            .StartAsync(fixture.Engine))
        {
        }

        var act = () => Busybox("sh", "-c", "echo listening; exec sleep 1000")
            .WithWaitStrategy(Wait.ForAll(Wait.ForLogLine("listening"), Wait.ForPort(8080).WithTimeout(Short)))
            .StartAsync(fixture.Engine);

        var failure = (await act.Should().ThrowAsync<ContainerWaitException>()).Which;
        failure.TimedOut.Should().BeTrue();
        failure.WaitingFor.Should().Be("port 8080/tcp listening");
        failure.LastLogLines.Should().Equal("listening");
        await ShouldBeGoneAsync(failure.ContainerId);
    }

    [Fact]
    public async Task A_cancelled_start_removes_the_container()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var act = () => Busybox("sleep", "1000").WithLabel("test", "cancelled").WithWaitStrategy(Wait.ForLogLine("never")).StartAsync(fixture.Engine, cancel.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        (await fixture.FixtureContainersAsync()).Should().NotContain(c => c.Labels.GetValueOrDefault("test") == "cancelled");
    }

    private async Task ShouldBeGoneAsync(string id) =>
        (await fixture.Engine.Containers.ListAsync(all: true)).Should().NotContain(c => c.Id == id, "a container that failed its start is removed");
}
