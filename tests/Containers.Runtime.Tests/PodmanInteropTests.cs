using Containers.Testing;

namespace Containers.Runtime.Tests;

/// <summary>
/// podman drives containers-runtime through conmon exactly as it drives runc. podman uses a private storage root and
/// run root, the cgroupfs manager and no events journal (see notes/machine.md), and a runtime script with this test's
/// own state root, so nothing is shared with other runs.
/// </summary>
public sealed class PodmanInteropTests : IAsyncLifetime
{
    private const string Image = "localhost/ocirt-busybox:latest";
    private readonly TempDirectory _scratch = TempDirectory.ShortPath("ocirt-podman"); // podman limits the runroot path to 50 characters
    private readonly RuntimeCli _cli;

    public PodmanInteropTests() => _cli = new RuntimeCli(_scratch);

    private string[] Podman(params string[] args) =>
    [
        "--root", _scratch.Combine("storage"), "--runroot", _scratch.Combine("run"), "--cgroup-manager", "cgroupfs",
        "--events-backend", "none", "--runtime", _cli.EnginePath, .. args,
    ];

    public async Task InitializeAsync()
    {
        var tar = _scratch.Combine("busybox.tar");
        await File.WriteAllBytesAsync(tar, await TestImages.BusyboxRootfsAsync());
        await ExternalTool.RunCheckedAsync("podman", Podman("import", tar, Image));
    }

    public async Task DisposeAsync()
    {
        await ExternalTool.RunAsync("podman", Podman("rm", "--all", "--force"));
        await ExternalTool.RunAsync("podman", Podman("rmi", "--all", "--force"));
        await ExternalTool.RunAsync("umount", ["-R", _scratch.Combine("storage", "overlay")]);
        _cli.Dispose();
        _scratch.Dispose();
    }

    [Fact]
    public async Task Podman_run_rm_prints_the_output_and_passes_the_exit_code()
    {
        var hi = await ExternalTool.RunAsync("podman", Podman("run", "--rm", "--network", "none", Image, "echo", "hi"));
        hi.ExitCode.Should().Be(0, hi.Stderr);
        hi.Stdout.Should().Be("hi\n");

        var failing = await ExternalTool.RunAsync("podman", Podman("run", "--rm", "--network", "none", Image, "sh", "-c", "exit 3"));
        failing.ExitCode.Should().Be(3, failing.Stderr);

        Directory.EnumerateFileSystemEntries(_cli.StateRoot).Should().BeEmpty("podman deleted every container through the runtime");
    }

    [Fact]
    public async Task Podman_run_with_a_terminal_gets_the_pty_over_the_console_socket()
    {
        var result = await ExternalTool.RunAsync("podman", Podman("run", "--rm", "-t", "--network", "none", Image, "sh", "-c", "echo hi; tty"));
        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stdout.Should().Be("hi\r\n/dev/console\r\n", "the terminal translates newlines and is the container's console");
    }

    [Fact]
    public async Task Podman_reports_a_missing_program_as_command_not_found()
    {
        var result = await ExternalTool.RunAsync("podman", Podman("run", "--rm", "--network", "none", Image, "no-such-program"));
        result.ExitCode.Should().Be(127);
        result.Stderr.Should().Contain("executable file not found in $PATH");
    }

    [Fact]
    public async Task Podman_runs_detached_lists_stops_and_removes()
    {
        var name = RuntimeBundle.NewId("pd");
        var run = await ExternalTool.RunAsync("podman", Podman("run", "-d", "--name", name, "--network", "none", Image, "sh", "-c", "echo from-run > /tmp/mark; exec sleep 1000"));
        run.ExitCode.Should().Be(0, run.Stderr);
        var ps = await ExternalTool.RunCheckedAsync("podman", Podman("ps", "--format", "{{.Names}} {{.Status}}"));
        ps.Should().Contain(name + " Up");

        // exec goes through "containers-runtime exec --process FILE --detach": the container's files, pid namespace and exit codes.
        var exec = await ExternalTool.RunAsync("podman", Podman("exec", name, "sh", "-c", "cat /tmp/mark; cat /proc/1/cmdline | tr '\\0' ' '"));
        exec.ExitCode.Should().Be(0, exec.Stderr);
        exec.Stdout.Should().Be("from-run\nsleep 1000 ");
        (await ExternalTool.RunAsync("podman", Podman("exec", name, "sh", "-c", "exit 5"))).ExitCode.Should().Be(5);
        var user = await ExternalTool.RunAsync("podman", Podman("exec", "--user", "1000", name, "id", "-u"));
        user.Stdout.Should().Be("1000\n", user.Stderr);
        var tty = await ExternalTool.RunAsync("podman", Podman("exec", "-t", name, "tty"));
        tty.ExitCode.Should().Be(0, tty.Stderr);
        tty.Stdout.Should().MatchRegex(@"^/dev/pts/\d+\r\n$", "an exec'd terminal comes from the container's own devpts");
        var missing = await ExternalTool.RunAsync("podman", Podman("exec", name, "no-such-program"));
        missing.ExitCode.Should().Be(127);
        var stop = await ExternalTool.RunAsync("podman", Podman("stop", "--time", "1", name));
        stop.ExitCode.Should().Be(0, stop.Stderr);
        var inspect = await ExternalTool.RunCheckedAsync("podman", Podman("inspect", "--format", "{{.State.Status}}", name));
        inspect.Trim().Should().Be("exited");
        (await ExternalTool.RunAsync("podman", Podman("rm", name))).ExitCode.Should().Be(0);
        Directory.EnumerateFileSystemEntries(_cli.StateRoot).Should().BeEmpty();
    }

    [Fact]
    public async Task Podman_pauses_unpauses_and_tops_a_container()
    {
        var name = RuntimeBundle.NewId("pp");
        var run = await ExternalTool.RunAsync("podman", Podman("run", "-d", "--name", name, "--network", "none", Image, "sleep", "1000"));
        run.ExitCode.Should().Be(0, run.Stderr);

        var top = await ExternalTool.RunAsync("podman", Podman("top", name, "pid", "args"));
        top.ExitCode.Should().Be(0, top.Stderr);
        top.Stdout.Should().Contain("sleep 1000");

        var pause = await ExternalTool.RunAsync("podman", Podman("pause", name));
        pause.ExitCode.Should().Be(0, pause.Stderr);
        (await ExternalTool.RunCheckedAsync("podman", Podman("inspect", "--format", "{{.State.Status}}", name))).Trim().Should().Be("paused");
        var containerId = (await ExternalTool.RunCheckedAsync("podman", Podman("inspect", "--format", "{{.Id}}", name))).Trim();
        (await _cli.RunAsync("state", containerId)).Stdout.Should().Contain("\"paused\"", "podman paused it through the runtime");

        var unpause = await ExternalTool.RunAsync("podman", Podman("unpause", name));
        unpause.ExitCode.Should().Be(0, unpause.Stderr);
        (await ExternalTool.RunCheckedAsync("podman", Podman("inspect", "--format", "{{.State.Status}}", name))).Trim().Should().Be("running");

        var rm = await ExternalTool.RunAsync("podman", Podman("rm", "--force", name));
        rm.ExitCode.Should().Be(0, rm.Stderr);
        Directory.EnumerateFileSystemEntries(_cli.StateRoot).Should().BeEmpty();
    }
}
