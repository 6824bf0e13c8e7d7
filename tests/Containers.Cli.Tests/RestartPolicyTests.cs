using System.Globalization;
using System.Text.Json;
using Containers.Containers;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>
/// Restart policies of detached containers hold after the process that started them exited: every command here is a
/// separate process of the real program that exits before the restarts happen, so only the monitor can apply them.
/// </summary>
public sealed class RestartPolicyTests : IAsyncLifetime
{
    private readonly TempDirectory _root = new("cli-restart");
    private readonly RootObjects _objects;

    public RestartPolicyTests() => _objects = new RootObjects(_root.Path);

    public async Task InitializeAsync()
    {
        await using var engine = Engine();
        using var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync());
        await engine.Images.ImportAsync(rootfs, new global::Containers.Images.ImportOptions { Reference = "busybox:latest" });
    }

    public async Task DisposeAsync()
    {
        await Process("rm", "-f", "fails", "succeeds", "web", "looping");
        await CliRunner.DeleteRootAsync(_root);
    }

    private ContainerEngine Engine() => ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.AddLinuxRuntime());

    private Task<ToolResult> Process(params string[] args) => _objects.RunAsync(args);

    private async Task<ContainerState> StateAsync(string name)
    {
        await using var engine = Engine();
        return (await engine.Containers.InspectAsync(name)).State;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"{what} should happen");
            await Task.Delay(100);
        }
    }

    /// <summary>Tells whether a process runs (a zombie waiting for its new parent to reap it has exited).</summary>
    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }

    private static async Task<string?> GetAsync(int port)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            return await client.GetStringAsync($"http://127.0.0.1:{port}/index.html");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    [Fact]
    public async Task On_failure_3_restarts_an_always_failing_container_exactly_three_times_with_nobody_watching()
    {
        var run = await Process("run", "-d", "--name", "fails", "--restart", "on-failure:3", "busybox", "sh", "-c", "echo run; exit 3");
        run.ExitCode.Should().Be(0, run.Stderr);

        // The starter has exited; `wait` (another process) returns once no restart follows.
        (await Process("wait", "fails")).Stdout.Should().Be("3\n");
        var state = await StateAsync("fails");
        state.Status.Should().Be(ContainerStatus.Exited);
        state.ExitCode.Should().Be(3);
        state.RestartCount.Should().Be(3);
        (await Process("logs", "fails")).Stdout.Should().Be("run\nrun\nrun\nrun\n", "the log keeps appending across restarts: 4 runs");

        var inspect = JsonDocument.Parse((await Process("inspect", "fails")).Stdout).RootElement[0];
        inspect.GetProperty("RestartCount").GetInt32().Should().Be(3);
        inspect.GetProperty("State").GetProperty("Status").GetString().Should().Be("exited");
        var policy = inspect.GetProperty("HostConfig").GetProperty("RestartPolicy");
        policy.GetProperty("Name").GetString().Should().Be("on-failure");
        policy.GetProperty("MaximumRetryCount").GetInt32().Should().Be(3);
        (await _objects.LeftoversAfterAsync(TimeSpan.FromSeconds(30))).Should().BeEmpty("the last exit released the container's mount, cgroup and monitor");
    }

    [Fact]
    public async Task On_failure_does_not_restart_an_exit_with_code_0()
    {
        (await Process("run", "-d", "--name", "succeeds", "--restart", "on-failure", "busybox", "sh", "-c", "echo once; exit 0")).ExitCode.Should().Be(0);
        (await Process("wait", "succeeds")).Stdout.Should().Be("0\n");
        var state = await StateAsync("succeeds");
        state.Status.Should().Be(ContainerStatus.Exited);
        state.RestartCount.Should().Be(0);
        state.MonitorPid.Should().Be(0, "the monitor exited: nothing can restart it any more");
        (await Process("logs", "succeeds")).Stdout.Should().Be("once\n");
    }

    [Fact]
    public async Task Always_restarts_a_crashed_program_in_the_same_container_and_a_users_stop_is_final()
    {
        var run = await Process("run", "-d", "--name", "web", "--restart", "always", "-p", "127.0.0.1::80", "busybox", "sh", "-c",
            "mkdir -p /www && echo hello-restart > /www/index.html && echo started && exec httpd -f -p 80 -h /www");
        run.ExitCode.Should().Be(0, run.Stderr);
        var mapping = (await Process("port", "web")).Stdout.Trim();
        var port = int.Parse(mapping[(mapping.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
        string? body = null;
        await EventuallyAsync(async () => (body = await GetAsync(port)) is not null, "the server answers");
        body.Should().Contain("hello-restart");

        // A crash of the program, from outside the engine: no user stop, so the policy restarts it.
        var first = await StateAsync("web");
        RootObjects.Kill(first.Pid, 9);
        ContainerState restarted = first;
        await EventuallyAsync(async () => (restarted = await StateAsync("web")) is { Status: ContainerStatus.Running, RestartCount: 1 } && restarted.Pid != first.Pid, "the monitor restarts the container");
        restarted.MonitorPid.Should().Be(first.MonitorPid, "the same monitor holds the container across runs");
        restarted.ExitCode.Should().Be(137, "the last exit code is kept, as Docker shows it");
        await EventuallyAsync(async () => (body = await GetAsync(port)) is not null, "the published port answers again");
        body.Should().Contain("hello-restart");
        (await Process("logs", "web")).Stdout.Should().Be("started\nstarted\n");
        (await Process("ps")).Stdout.Should().Contain("web").And.Contain("Up");

        // A user's stop is not a crash: the monitor exits with the container.
        (await Process("stop", "-t", "1", "web")).ExitCode.Should().Be(0);
        var stopped = await StateAsync("web");
        stopped.Status.Should().Be(ContainerStatus.Exited);
        stopped.RestartCount.Should().Be(1);
        await EventuallyAsync(() => Task.FromResult(!Alive(first.MonitorPid)), "the monitor exits, so nothing restarts the stopped container");
        (await StateAsync("web")).Status.Should().Be(ContainerStatus.Exited);

        // A user's start runs it again under a new monitor, its count of restarts begun anew, as Docker's.
        (await Process("start", "web")).ExitCode.Should().Be(0);
        var again = await StateAsync("web");
        again.Status.Should().Be(ContainerStatus.Running);
        again.RestartCount.Should().Be(0);
        (await Process("rm", "-f", "web")).ExitCode.Should().Be(0);
        (await _objects.LeftoversAfterAsync(TimeSpan.FromSeconds(30))).Should().BeEmpty("rm -f leaves no monitor, cgroup, mount or veth");
    }

    [Fact]
    public async Task Rm_f_of_an_always_container_in_its_restart_loop_leaves_nothing_behind()
    {
        (await Process("run", "-d", "--name", "looping", "--restart", "always", "busybox", "sh", "-c", "echo x; exit 1")).ExitCode.Should().Be(0);
        await EventuallyAsync(async () => (await StateAsync("looping")).RestartCount >= 3, "the container restarts again and again");
        (await Process("ps")).Stdout.Should().Contain("looping");

        (await Process("rm", "-f", "looping")).ExitCode.Should().Be(0);
        (await Process("ps", "-a", "-q")).Stdout.Should().BeEmpty();
        _objects.ContainerDirectories().Should().BeEmpty();
        (await _objects.LeftoversAfterAsync(TimeSpan.FromSeconds(30))).Should().BeEmpty("rm -f leaves no monitor, process, cgroup or mount");
    }
}
