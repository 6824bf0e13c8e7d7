using Containers.Containers;
using Containers.Testing;

namespace Containers.Linux.Tests.Runtime;

/// <summary>Processes started inside running containers: namespaces, cgroup, identity, restrictions, errors.</summary>
public sealed class ExecTests(RuntimeFixture fixture) : IClassFixture<RuntimeFixture>
{
    private IContainerService Containers => fixture.Containers;

    private async Task<ContainerDetails> StartAsync(ContainerCreateOptions? options = null)
    {
        var container = await Containers.RunAsync(options ?? new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "600"] });
        await Eventually.UntilAsync(async () => (await Containers.TopAsync(container.Id)).Count > 0, "the container runs");
        return container;
    }

    [Fact]
    public async Task Exec_joins_the_containers_namespaces_cgroup_and_filesystem()
    {
        var container = await StartAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sh", "-c", "echo from-the-container > /marker; sleep 600"], Hostname = "exec-host" });
        await Eventually.UntilAsync(async () => (await Containers.ExecAsync(container.Id, ["cat", "/marker"])).Stdout == "from-the-container\n", "the marker exists");

        var result = await Containers.ExecAsync(container.Id, ["sh", "-c", "hostname; cat /proc/1/cmdline | tr '\\0' ' '; echo; echo $$; cat /proc/self/cgroup"]);

        result.ExitCode.Should().Be(0, result.Stderr);
        var lines = result.Stdout.Split('\n');
        lines[0].Should().Be("exec-host");
        lines[1].Should().Be("sleep 600 ", "PID 1 is the container's own process (the shell exec'd its last command)");
        int.Parse(lines[2], System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(1).And.BeLessThan(100, "the shell has a PID in the container's namespace");
        lines.Skip(3).Where(l => l.Length > 0).Should().OnlyContain(l => l.EndsWith(":/", StringComparison.Ordinal), "the process is in the container's cgroup, the root of its cgroup namespace");
        (await Containers.TopAsync(container.Id)).Should().HaveCount(1, "the exec'd process is gone");
        await Containers.RemoveAsync(container.Id, force: true);
    }

    [Fact]
    public async Task Exec_keeps_the_containers_restrictions_and_takes_its_overrides()
    {
        var container = await StartAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "600"], Environment = ["FROM_CONTAINER=1", "OVERRIDE=old"], WorkingDirectory = "/tmp" });
        var main = await Containers.ExecAsync(container.Id, ["sh", "-c", "grep -E '^(CapEff|Seccomp|NoNewPrivs):' /proc/1/status"]);
        var own = await Containers.ExecAsync(container.Id, ["sh", "-c", "grep -E '^(CapEff|Seccomp|NoNewPrivs):' /proc/self/status"]);
        own.Stdout.Should().Be(main.Stdout, "exec gets the container's capabilities, seccomp filter and no_new_privs").And.Contain("Seccomp:\t2");

        var execution = await Containers.StartExecAsync(container.Id, new ExecOptions
        {
            Command = ["sh", "-c", "id -u; id -g; pwd; echo $FROM_CONTAINER $OVERRIDE"],
            User = "1000:1001",
            WorkingDirectory = "/etc",
            Environment = ["OVERRIDE=new"],
        });
        await using (execution)
        {
            var output = await new StreamReader(execution.StandardOutput).ReadToEndAsync();
            (await execution.WaitForExitAsync()).Should().Be(0);
            output.Should().Be("1000\n1001\n/etc\n1 new\n");
        }

        (await Containers.ExecAsync(container.Id, ["pwd"])).Stdout.Should().Be("/tmp\n", "the container's working directory is the default");
        await Containers.RemoveAsync(container.Id, force: true);
    }

    [Fact]
    public async Task Exec_passes_exit_codes_and_standard_input_through()
    {
        var container = await StartAsync();
        (await Containers.ExecAsync(container.Id, ["sh", "-c", "echo oops >&2; exit 5"])).Should().Be(new ExecResult(string.Empty, "oops\n", 5));

        var execution = await Containers.StartExecAsync(container.Id, new ExecOptions { Command = ["cat"], OpenStdin = true });
        await using (execution)
        {
            await execution.StandardInput!.WriteAsync("typed in\n"u8.ToArray());
            await execution.StandardInput.DisposeAsync();
            (await new StreamReader(execution.StandardOutput).ReadToEndAsync()).Should().Be("typed in\n");
            (await execution.WaitForExitAsync()).Should().Be(0);
        }

        await Containers.RemoveAsync(container.Id, force: true);
    }

    [Fact]
    public async Task Exec_refuses_missing_programs_and_stopped_or_paused_containers()
    {
        var container = await StartAsync();
        var missing = () => Containers.ExecAsync(container.Id, ["no-such-program"]);
        (await missing.Should().ThrowAsync<ContainerCommandException>()).Which.ExitCode.Should().Be(127);

        await Containers.PauseAsync(container.Id);
        await FluentActions.Awaiting(() => Containers.ExecAsync(container.Id, ["true"])).Should().ThrowAsync<ContainerStateException>().WithMessage("*paused*");
        await Containers.UnpauseAsync(container.Id);

        await Containers.KillAsync(container.Id);
        await Containers.WaitAsync(container.Id);
        await FluentActions.Awaiting(() => Containers.ExecAsync(container.Id, ["true"])).Should().ThrowAsync<ContainerStateException>().WithMessage("*not running*");
        await FluentActions.Awaiting(() => Containers.StartExecAsync(container.Id, new ExecOptions { Command = [] })).Should().ThrowAsync<InvalidContainerConfigurationException>();
        await Containers.RemoveAsync(container.Id);
    }

    [Fact]
    public async Task A_detached_exec_runs_on_its_own_inside_the_container()
    {
        var container = await StartAsync();
        var execution = await Containers.StartExecAsync(container.Id, new ExecOptions { Command = ["sh", "-c", "echo detached > /from-exec"], Detached = true });
        await execution.DisposeAsync();
        await Eventually.UntilAsync(async () => (await Containers.ExecAsync(container.Id, ["cat", "/from-exec"])).Stdout == "detached\n", "the detached exec wrote its file");
        await Containers.RemoveAsync(container.Id, force: true);
    }
}
