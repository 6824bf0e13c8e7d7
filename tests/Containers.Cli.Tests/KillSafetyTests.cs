using Containers.Containers;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>
/// Commands killed or interrupted at bad moments: nothing hangs afterwards, and nothing of the container is left once
/// it is gone (its mount, cgroups, veth, processes), checked only for this test's root.
/// </summary>
public sealed class KillSafetyTests : IAsyncLifetime
{
    private readonly TempDirectory _root = new("cli-killsafe");
    private RootObjects _objects = null!;

    public async Task InitializeAsync()
    {
        _objects = new RootObjects(_root.Path);
        await using var engine = ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.AddLinuxRuntime());
        using var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync());
        await engine.Images.ImportAsync(rootfs, new global::Containers.Images.ImportOptions { Reference = "busybox:latest" });
    }

    public async Task DisposeAsync() => await CliRunner.DeleteRootAsync(_root);

    [Fact]
    public async Task A_run_killed_while_its_container_waits_to_be_released_leaves_nothing_that_hangs()
    {
        // The container's clone is a copy of the engine: it held the engine's end of the pipe it waited on, and the
        // container's lock, so rm -f, stop and start of it hung forever.
        var killed = 0;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var run = _objects.Start("run", "-d", "busybox", "sleep", "1000");
            killed += await RootObjects.KillAtFirstChildAsync(run, RootObjects.CommandBound) ? 1 : 0;
            foreach (var id in _objects.ContainerDirectories())
            {
                var remove = await _objects.RunAsync("rm", "-f", id);
                (remove.ExitCode == 0 || remove.Stderr.Contains("No such container", StringComparison.OrdinalIgnoreCase)).Should().BeTrue(remove.Stderr);
            }
        }

        killed.Should().BePositive("the kill should have hit the moment the container was cloned at least once");
        (await _objects.RunAsync("ps", "-a", "-q")).Stdout.Should().BeEmpty();
        _objects.ContainerDirectories().Should().BeEmpty();
        (await _objects.LeftoversAfterAsync(TimeSpan.FromSeconds(30))).Should().BeEmpty();
    }

    [Theory]
    [InlineData(2, "INT")]
    [InlineData(15, "TERM")]
    public async Task A_signal_to_an_attached_run_reaches_the_container_which_is_then_removed(int signal, string name)
    {
        using var run = _objects.Start("run", "--rm", "busybox", "sh", "-c", $"trap 'echo got {name}; exit 3' {name}; echo ready; while true; do sleep 0.1; done");
        var ready = await run.StandardOutput.ReadLineAsync().WaitAsync(RootObjects.CommandBound);
        ready.Should().Be("ready");

        RootObjects.Kill(run.Id, signal).Should().Be(0);
        var rest = run.StandardOutput.ReadToEndAsync();
        await run.WaitForExitAsync().WaitAsync(RootObjects.CommandBound);

        (await rest).Should().Contain($"got {name}", "the trap in the container saw the signal");
        run.ExitCode.Should().Be(3, await run.StandardError.ReadToEndAsync());
        _objects.ContainerDirectories().Should().BeEmpty("--rm removed it");
        (await _objects.LeftoversAfterAsync(TimeSpan.FromSeconds(10))).Should().BeEmpty();
    }

    [Fact]
    public async Task An_interrupt_reaches_the_container_when_the_command_was_started_with_it_ignored()
    {
        // A shell runs a background job (cmd &, no job control) with SIGINT and SIGQUIT ignored, and .NET keeps an
        // inherited SIG_IGN: the command never saw the signal and the container ran on (found as a CI hang).
        var start = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-c", "trap '' INT QUIT; exec \"$@\"", "sh", CliRunner.ProgramPath, "--root", _root.Path, "run", "--rm", "busybox", "sh", "-c", "trap 'echo got INT; exit 3' INT; echo ready; while true; do sleep 0.1; done" })
        {
            start.ArgumentList.Add(arg);
        }

        var ignored = await ExternalTool.RunAsync("/bin/sh", ["-c", "trap '' INT QUIT; exec grep SigIgn /proc/self/status"]);
        (Convert.ToUInt64(ignored.Stdout.Split('\t')[1].Trim(), 16) & 0b110UL).Should().Be(0b110UL, "the wrapper must start the command with INT and QUIT ignored");

        using var run = System.Diagnostics.Process.Start(start)!;
        (await run.StandardOutput.ReadLineAsync().WaitAsync(RootObjects.CommandBound)).Should().Be("ready");

        RootObjects.Kill(run.Id, 2).Should().Be(0);
        var rest = run.StandardOutput.ReadToEndAsync();
        var exited = run.WaitForExitAsync();
        if (await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(30))) != exited)
        {
            // Leave nothing running for the next tests before failing.
            await _objects.RunAsync("rm", "-f", _objects.ContainerDirectories().Select(Path.GetFileName).First()!);
        }

        exited.IsCompleted.Should().BeTrue("the interrupt should have ended the container and with it the command");
        (await rest).Should().Contain("got INT");
        run.ExitCode.Should().Be(3, await run.StandardError.ReadToEndAsync());
        (await _objects.LeftoversAfterAsync(TimeSpan.FromSeconds(10))).Should().BeEmpty();
    }

    [Fact]
    public async Task A_container_directory_a_killed_create_left_without_its_record_is_removed()
    {
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var directory = Directory.CreateDirectory(Path.Combine(_root.Path, "containers", id));
        await File.WriteAllTextAsync(Path.Combine(directory.FullName, "state.json"), "{\"status\":\"created\"}");

        (await _objects.RunAsync("ps", "-a", "-q")).Stdout.Should().BeEmpty();
        _objects.ContainerDirectories().Should().BeEmpty("recovery removes what a dead create left");

        Directory.CreateDirectory(Path.Combine(_root.Path, "containers", id));
        (await _objects.RunAsync("system", "reset", "-f")).ExitCode.Should().Be(0);
        _objects.ContainerDirectories().Should().BeEmpty("system reset removes it too");
    }

    [Fact]
    public async Task A_run_killed_after_it_mounted_the_container_leaves_no_container_and_no_mount()
    {
        // Killed after the mount and before the container started: the run is undone by the next command.
        var killed = false;
        for (var attempt = 0; attempt < 3 && !killed; attempt++)
        {
            using var run = _objects.Start("run", "-d", "busybox", "sleep", "1000");
            var deadline = DateTime.UtcNow + RootObjects.CommandBound;
            while (!run.HasExited && !_objects.Mounts().Any(m => m.Contains("/containers/", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
            {
                await Task.Yield();
            }

            if (!run.HasExited)
            {
                run.Kill();
                killed = true;
            }

            await run.WaitForExitAsync();
        }

        killed.Should().BeTrue("the run should have been killed while it started the container");
        (await _objects.RunAsync("ps", "-a", "-q")).Stdout.Should().BeEmpty("a run that did not finish is undone");
        (await _objects.LeftoversAfterAsync(TimeSpan.FromSeconds(30))).Should().BeEmpty();
    }

    [Fact]
    public async Task A_lock_held_too_long_fails_the_wait_naming_the_lock_and_its_holder()
    {
        await using var engine = ContainerEngine.Create(new ContainersOptions { Root = _root.Path, LockTimeout = TimeSpan.FromSeconds(2) }, b => b.AddLinuxRuntime());
        var container = await engine.Containers.CreateAsync(new ContainerCreateOptions { Image = "busybox", Command = ["true"], Network = "none" });
        var lockPath = Path.Combine(_root.Path, "locks", $"container-{container.Id}.lock");
        using var holder = System.Diagnostics.Process.Start("flock", [lockPath, "sleep", "60"]);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!System.IO.File.Exists(lockPath) || !LockIsHeld(lockPath))
            {
                DateTime.UtcNow.Should().BeBefore(deadline);
                await Task.Delay(20);
            }

            var start = () => engine.Containers.StartAsync(container.Id);
            var failure = await start.Should().ThrowAsync<LockTimeoutException>();
            failure.Which.Message.Should().Contain($"container-{container.Id}").And.Contain($"pid {holder.Id}").And.Contain("flock");
        }
        finally
        {
            holder.Kill();
        }
    }

    [Fact]
    public async Task Disposing_the_engine_releases_what_the_containers_it_killed_held()
    {
        var engine = ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.AddLinuxRuntime());
        var container = await engine.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Command = ["sleep", "1000"] });
        _objects.Mounts().Should().NotBeEmpty();
        _objects.Cgroups().Should().NotBeEmpty();

        await engine.DisposeAsync();

        (await _objects.LeftoversAfterAsync(TimeSpan.FromSeconds(10))).Should().BeEmpty("the engine killed the container and released what it held");
        await using var next = ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.AddLinuxRuntime());
        (await next.Containers.InspectAsync(container.Id)).State.Status.Should().Be(ContainerStatus.Exited);
    }

    private static bool LockIsHeld(string path)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }
}
