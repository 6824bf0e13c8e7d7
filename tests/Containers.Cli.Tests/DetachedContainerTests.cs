using System.Globalization;
using Containers.Containers;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>Detached containers started by one process and managed by others, through the real program.</summary>
public sealed class DetachedContainerTests : IAsyncLifetime
{
    private readonly TempDirectory _root = new("cli-detached");

    public async Task InitializeAsync()
    {
        await using var engine = Engine();
        using var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync());
        await engine.Images.ImportAsync(rootfs, new global::Containers.Images.ImportOptions { Reference = "busybox:latest" });
    }

    public async Task DisposeAsync()
    {
        await Process("rm", "-f", "web", "short", "victim", "echoer", "pub");
        await CliRunner.DeleteRootAsync(_root);
    }

    private ContainerEngine Engine() => ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.AddLinuxRuntime());

    private Task<ToolResult> Process(params string[] args) => CliRunner.RunProcessAsync(_root.Path, args);

    private bool MountedUnderRoot() => File.ReadAllText("/proc/self/mountinfo").Contains(_root.Path, StringComparison.Ordinal);

    [Fact]
    public async Task A_detached_container_outlives_its_starter_and_other_processes_manage_it()
    {
        var run = await Process("run", "-d", "--name", "web", "busybox", "sh", "-c", "echo hello; trap 'echo bye; exit 0' TERM; while true; do sleep 0.1; done");
        run.ExitCode.Should().Be(0, run.Stderr);
        var id = run.Stdout.Trim();
        id.Should().HaveLength(64);

        (await Process("ps")).Stdout.Should().Contain("web").And.Contain("Up");
        await Eventually.UntilAsync(async () => (await Process("logs", "web")).Stdout == "hello\n", "the log shows the first line");
        var follow = Process("logs", "-f", "web");

        var exec = await Process("exec", "web", "sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '; exit 5");
        exec.ExitCode.Should().Be(5, "exec passes the exit code through");
        exec.Stdout.Should().StartWith("sh -c echo hello", "exec sees the container's PID namespace");
        (await Process("exec", "web", "ls", "/proc/1/root/bin/busybox")).ExitCode.Should().Be(0, "exec sees the container's filesystem");
        (await Process("exec", "web", "no-such-program")).ExitCode.Should().Be(127);

        // Two processes stopping it at once both succeed.
        var stops = await Task.WhenAll(Process("stop", "web"), Process("stop", "web"));
        stops.Should().AllSatisfy(s => s.ExitCode.Should().Be(0, s.Stderr));
        (await follow).Stdout.Should().Be("hello\nbye\n", "logs -f follows the live log until the container stops");
        (await Process("wait", "web")).Stdout.Should().Be("0\n");
        (await Process("ps", "-a")).Stdout.Should().Contain("Exited (0)");

        (await Process("rm", "web")).ExitCode.Should().Be(0);
        (await Process("ps", "-a", "-q")).Stdout.Should().BeEmpty();
        MountedUnderRoot().Should().BeFalse("removal unmounted the root filesystem");
    }

    [Fact]
    public async Task A_detached_containers_published_port_answers_after_its_starter_exits_and_is_released_when_it_stops()
    {
        var run = await Process("run", "-d", "--name", "pub", "-p", "127.0.0.1::80", "busybox", "sh", "-c", "mkdir -p /www && echo hello-detached > /www/index.html && exec httpd -f -p 80 -h /www");
        run.ExitCode.Should().Be(0, run.Stderr);
        var portOutput = await Process("port", "pub");
        var mapping = portOutput.Stdout.Trim();
        mapping.Should().NotBeEmpty(portOutput.Stderr);
        var port = int.Parse(mapping[(mapping.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        string? body = null;
        await Eventually.UntilAsync(async () =>
        {
            try
            {
                body = await client.GetStringAsync($"http://127.0.0.1:{port}/index.html");
                return true;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the server answers on the published port");
        body.Should().Contain("hello-detached", "the kernel forwards the port with no process of ours alive");

        (await Process("kill", "pub")).ExitCode.Should().Be(0);
        (await Process("wait", "pub")).Stdout.Should().Be("137\n");
        await using (var engine = Engine())
        {
            (await engine.Networks.InspectAsync("bridge")).Endpoints.Should().ContainSingle(e => e.ContainerName == "pub")
                .Which.Address.Should().BeNull("a stopped container holds no address, as in Docker");
        }

        (await ExternalTool.RunAsync("nft", ["list", "ruleset"])).Stdout.Should().NotContain($"dport {port} ");
        (await Process("rm", "pub")).ExitCode.Should().Be(0);
    }

    [Fact]
    public async Task Attach_sends_input_shows_later_output_and_ends_with_the_container()
    {
        (await Process("run", "-d", "-i", "--name", "echoer", "busybox", "sh", "-c", "echo before; while read line; do echo got $line; done")).ExitCode.Should().Be(0);
        await Eventually.UntilAsync(async () => (await Process("logs", "echoer")).Stdout == "before\n", "the container runs");

        var start = new global::System.Diagnostics.ProcessStartInfo(CliRunner.ProgramPath) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--root", _root.Path, "attach", "echoer" })
        {
            start.ArgumentList.Add(arg);
        }

        using var attach = global::System.Diagnostics.Process.Start(start)!;
        var output = attach.StandardOutput.ReadToEndAsync();
        await attach.StandardInput.WriteLineAsync("hi");
        await attach.StandardInput.FlushAsync();
        await Eventually.UntilAsync(async () => (await Process("logs", "echoer")).Stdout.Contains("got hi", StringComparison.Ordinal), "the input reaches the container");
        attach.StandardInput.Close();

        (await Process("kill", "echoer")).ExitCode.Should().Be(0);
        await attach.WaitForExitAsync();
        (await output).Should().Be("got hi\n", "attach shows what came after it attached");
        attach.ExitCode.Should().Be(137, "attach ends with the container and its code");
        (await Process("rm", "echoer")).ExitCode.Should().Be(0);
    }

    [Fact]
    public async Task The_exit_code_is_recorded_with_nobody_watching_and_auto_remove_happens_later()
    {
        (await Process("run", "-d", "--name", "short", "busybox", "sh", "-c", "exit 3")).ExitCode.Should().Be(0);
        (await Process("wait", "short")).Stdout.Should().Be("3\n");
        (await Process("ps", "-a")).Stdout.Should().Contain("Exited (3)");
        MountedUnderRoot().Should().BeFalse("the exit released the root filesystem");

        (await Process("run", "-d", "--name", "hog", "-m", "16m", "busybox", "sh", "-c", "x=$(head -c 64000000 /dev/zero | tr '\\0' a); echo survived")).ExitCode.Should().Be(0);
        (await Process("wait", "hog")).Stdout.Should().Be("137\n");
        (await Process("inspect", "hog")).Stdout.Should().Contain("\"OOMKilled\": true", "the OOM kill is recorded though no process watched");
        (await Process("rm", "hog")).ExitCode.Should().Be(0);

        (await Process("run", "-d", "--rm", "--name", "gone", "busybox", "true")).ExitCode.Should().Be(0);
        await Eventually.UntilAsync(async () => !(await Process("ps", "-a")).Stdout.Contains("gone", StringComparison.Ordinal), "the --rm container is removed");
    }

    [Fact]
    public async Task The_monitor_stays_small_and_killing_it_is_recovered_on_the_next_start()
    {
        (await Process("run", "-d", "--name", "victim", "busybox", "sleep", "600")).ExitCode.Should().Be(0);
        ContainerState state;
        await using (var engine = Engine())
        {
            state = (await engine.Containers.InspectAsync("victim")).State;
        }

        state.MonitorPid.Should().BePositive();
        var status = File.ReadAllLines($"/proc/{state.MonitorPid}/status");
        var rss = long.Parse(status.Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        rss.Should().BeLessThan(1024, "the monitor's resident memory (kB) stays under 1 MiB");

        global::System.Diagnostics.Process.GetProcessById(state.MonitorPid).Kill();
        await Eventually.UntilAsync(() => Task.FromResult(!Directory.Exists($"/proc/{state.Pid}")), "the container dies with its monitor");

        await using (var engine = Engine())
        {
            await engine.RecoverAsync();
            var after = (await engine.Containers.InspectAsync("victim")).State;
            after.Status.Should().Be(ContainerStatus.Exited);
            after.ExitCode.Should().Be(137);
            after.Error.Should().Contain("monitor");
        }

        MountedUnderRoot().Should().BeFalse("recovery released the root filesystem");
        (await Process("rm", "victim")).ExitCode.Should().Be(0);
    }
}
