using Containers.Testing;
using Containers.Containers;
using Containers.Hosting;
using Containers.Linux.Hosting;

namespace Containers.Linux.Tests.Runtime;

/// <summary>
/// Restarts of detached containers by their monitor: the new process runs in the same container (root filesystem,
/// network namespace, standard input), its health checks start over and its log goes on.
/// </summary>
public sealed class DetachedRestartTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    private IContainerService Containers => fixture.Containers;

    [Fact]
    public async Task A_restarted_container_keeps_its_filesystem_network_input_and_health_checks()
    {
        var container = await Containers.RunAsync(new ContainerCreateOptions
        {
            Image = "busybox",
            Command = ["sh", "-c", "echo run $(ls /tmp/marker 2>/dev/null); touch /tmp/marker; while read line; do echo got $line; done"],
            Detached = true,
            OpenStdin = true,
            Network = "bridge",
            RestartPolicy = RestartPolicy.Parse("unless-stopped"),
            HealthCheck = HealthCheckConfig.Shell("test -f /tmp/marker") with { Interval = TimeSpan.FromMilliseconds(200), Retries = 1000 },
        });
        await Eventually.UntilAsync(async () => (await Containers.InspectAsync(container.Id)).Health?.Status == HealthStatus.Healthy, "the first run is healthy");
        var first = (await Containers.InspectAsync(container.Id)).State;
        var address = (await Containers.ExecAsync(container.Id, ["ip", "-4", "-o", "addr", "show", "eth0"])).Stdout;
        address.Should().Contain("inet ");

        global::System.Diagnostics.Process.GetProcessById(first.Pid).Kill();
        ContainerDetails restarted = null!;
        await Eventually.UntilAsync(
            async () => (restarted = await Containers.InspectAsync(container.Id)).State is { Status: ContainerStatus.Running, RestartCount: 1 } && restarted.State.Pid != first.Pid,
            "the monitor restarts the container");
        restarted.State.StartedAt.Should().BeAfter(first.StartedAt!.Value);
        restarted.Health!.Log.Where(r => r.Start < restarted.State.StartedAt!.Value).Should().BeEmpty("the health of the new run starts over");
        await Eventually.UntilAsync(async () => (await Containers.InspectAsync(container.Id)).Health?.Status == HealthStatus.Healthy, "the checks go on in the new run");

        (await Containers.ExecAsync(container.Id, ["ip", "-4", "-o", "addr", "show", "eth0"])).Stdout.Should().Be(address, "the network namespace and its address are the first run's");
        var input = await Containers.GetStandardInputAsync(container.Id);
        await using (input!)
        {
            await input!.WriteAsync("hello\n"u8.ToArray());
        }

        await Eventually.UntilAsync(async () => await LogAsync(container.Id) == "run\nrun /tmp/marker\ngot hello\n", "the log goes on, the filesystem is kept and the input reaches the new run");

        await Containers.StopAsync(container.Id, TimeSpan.FromSeconds(1));
        var stopped = (await Containers.InspectAsync(container.Id)).State;
        stopped.Status.Should().Be(ContainerStatus.Exited);
        stopped.RestartCount.Should().Be(1);
        stopped.StoppedByUser.Should().BeTrue();
        await Containers.RemoveAsync(container.Id, force: true);
    }

    [Fact]
    public async Task The_first_engine_start_after_a_reboot_starts_always_containers_and_unless_stopped_ones_no_user_stopped()
    {
        ContainerCreateOptions Options(string policy) => new() { Image = "busybox", Command = ["sleep", "600"], Detached = true, RestartPolicy = RestartPolicy.Parse(policy) };
        var always = await Containers.RunAsync(Options("always"));
        var stoppedByUser = await Containers.RunAsync(Options("unless-stopped"));
        var wasRunning = await Containers.RunAsync(Options("unless-stopped"));
        var never = await Containers.RunAsync(Options("no"));
        await Containers.StopAsync(always.Id, TimeSpan.FromSeconds(1));
        await Containers.StopAsync(stoppedByUser.Id, TimeSpan.FromSeconds(1));

        // A reboot, as this root sees it: the processes are gone and the boot it last saw is another.
        foreach (var id in new[] { wasRunning.Id, never.Id })
        {
            var monitor = (await Containers.InspectAsync(id)).State.MonitorPid;
            global::System.Diagnostics.Process.GetProcessById(monitor).Kill();
            await Eventually.UntilAsync(async () => (await Containers.InspectAsync(id)).State.Status == ContainerStatus.Exited, "the container is down");
        }

        var bootId = Path.Combine(fixture.Test.Root, "boot-id");
        File.Exists(bootId).Should().BeTrue("the engine remembers the boot in which an always container started");
        await File.WriteAllTextAsync(bootId, "a-boot-before\n");

        await using (var afterReboot = ContainerEngine.Create(new ContainersOptions { Root = fixture.Test.Root }, b => b.AddLinuxRuntime()))
        {
            (await afterReboot.Containers.InspectAsync(always.Id)).State.Status.Should().Be(ContainerStatus.Running, "always comes back, even stopped by a user, as after Docker's daemon restart");
            (await afterReboot.Containers.InspectAsync(wasRunning.Id)).State.Status.Should().Be(ContainerStatus.Running, "unless-stopped comes back when no user stopped it");
            (await afterReboot.Containers.InspectAsync(stoppedByUser.Id)).State.Status.Should().Be(ContainerStatus.Exited, "unless-stopped stays stopped when a user stopped it");
            (await afterReboot.Containers.InspectAsync(never.Id)).State.Status.Should().Be(ContainerStatus.Exited);
        }

        // Only the first start after the reboot: a later engine leaves a stopped container stopped.
        await Containers.StopAsync(always.Id, TimeSpan.FromSeconds(1));
        await using (var later = ContainerEngine.Create(new ContainersOptions { Root = fixture.Test.Root }, b => b.AddLinuxRuntime()))
        {
            (await later.Containers.InspectAsync(always.Id)).State.Status.Should().Be(ContainerStatus.Exited);
        }

        foreach (var id in new[] { always.Id, stoppedByUser.Id, wasRunning.Id, never.Id })
        {
            await Containers.RemoveAsync(id, force: true);
        }
    }

    private async Task<string> LogAsync(string id)
    {
        var text = new System.Text.StringBuilder();
        await foreach (var entry in Containers.LogsAsync(id))
        {
            text.Append(entry.Text);
        }

        return text.ToString();
    }
}
