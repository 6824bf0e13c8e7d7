using System.Diagnostics;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>
/// A container dies with the process that started it, whatever user and capabilities it runs with: the host process
/// (the real program) is killed with SIGKILL, so no cleanup code of ours runs and only the parent-death signal is left.
/// </summary>
public sealed class ParentDeathTests : IAsyncLifetime
{
    private readonly TempDirectory _root = new("cli-pdeath");

    public async Task InitializeAsync()
    {
        await using var engine = ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.AddLinuxRuntime());
        using var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync());
        await engine.Images.ImportAsync(rootfs, new global::Containers.Images.ImportOptions { Reference = "busybox:latest" });
    }

    public async Task DisposeAsync()
    {
        await CliRunner.RunProcessAsync(_root.Path, "rm", "-f", "victim", "host");
        await CliRunner.DeleteRootAsync(_root);
    }

    [Theory]
    [InlineData("root", null)]
    [InlineData("1000", null)]
    [InlineData("nobody", null)]
    [InlineData("1000", "ALL")]
    [InlineData("root", "ALL")]
    public async Task An_attached_container_dies_with_its_killed_host(string user, string? capDrop)
    {
        var marker = Marker();
        string[] caps = capDrop is null ? [] : ["--cap-drop", capDrop];
        using var host = StartHost(["run", "--name", "victim", "-u", user, .. caps, "busybox", "sh", "-c", "while :; do sleep 1; done", marker]);
        var container = await FindAsync(marker, host);

        KillHost(host);

        await GoneAsync(container, $"the container running as {user} (cap-drop {capDrop ?? "none"})");
    }

    [Fact]
    public async Task A_process_execd_as_a_non_root_user_dies_with_its_killed_host()
    {
        var run = await CliRunner.RunProcessAsync(_root.Path, "run", "-d", "--name", "host", "busybox", "sh", "-c", "while :; do sleep 1; done");
        run.ExitCode.Should().Be(0, run.Stderr);
        var marker = Marker();
        using var host = StartHost(["exec", "-u", "1000", "host", "sh", "-c", "while :; do sleep 1; done", marker]);
        var exec = await FindAsync(marker, host);

        KillHost(host);

        await GoneAsync(exec, "the exec'd process running as 1000");
        (await CliRunner.RunProcessAsync(_root.Path, "ps")).Stdout.Should().Contain("host", "only the exec'd process dies, not its container");
    }

    [Fact]
    public async Task A_detached_non_root_container_dies_with_its_killed_monitor()
    {
        var marker = Marker();
        var run = await CliRunner.RunProcessAsync(_root.Path, "run", "-d", "--name", "victim", "-u", "1000", "--cap-drop", "ALL", "busybox", "sh", "-c", "while :; do sleep 1; done", marker);
        run.ExitCode.Should().Be(0, run.Stderr);
        var container = await FindAsync(marker, null);
        var monitor = ParentOf(container);
        File.ReadAllText($"/proc/{monitor}/comm").Should().StartWith("containers-mon", "a detached container's parent is its monitor");

        using (var process = Process.GetProcessById(monitor))
        {
            process.Kill();
        }

        await GoneAsync(container, "the detached container running as 1000");
    }

    private static string Marker() => "pdeath-" + Guid.NewGuid().ToString("N");

    private Process StartHost(string[] args)
    {
        var start = new ProcessStartInfo(CliRunner.ProgramPath) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["--root", _root.Path, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        // Drained so a full pipe never blocks the host; its output is not under test.
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    private static void KillHost(Process host)
    {
        host.Kill(); // SIGKILL: nothing of the engine runs after this
        host.WaitForExit();
    }

    /// <summary>Waits for the container's process: the one whose command line ends with the marker, not the host's.</summary>
    private static async Task<int> FindAsync(string marker, Process? host)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var found = WithMarker(marker).Where(pid => host is null || pid != host.Id).ToList();
            if (found.Count > 0)
            {
                return found[0];
            }

            host?.HasExited.Should().BeFalse("the host process should keep running the container");
            DateTime.UtcNow.Should().BeBefore(deadline, "the container's process should start");
            await Task.Delay(50);
        }
    }

    private static IEnumerable<int> WithMarker(string marker)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            string cmdline;
            try
            {
                cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            var args = cmdline.Split('\0', StringSplitOptions.RemoveEmptyEntries);
            if (args.Length > 0 && args[0] == "sh" && args[^1] == marker)
            {
                yield return pid;
            }
        }
    }

    private static int ParentOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Gone means no such process, or a zombie left for a reaper: it no longer runs.</summary>
    private static async Task GoneAsync(int pid, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Running(pid))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"{what} should die with the process that started it");
            await Task.Delay(50);
        }
    }

    private static bool Running(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
