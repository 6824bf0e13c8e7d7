using System.Globalization;
using System.Text.Json;
using Containers.Containers;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>
/// Health checks of detached containers, started by a <c>containers run -d</c> process that exits at once: the monitor
/// runs the checks, and other processes see the status progress.
/// </summary>
public sealed class HealthCheckCommandTests : IAsyncLifetime
{
    private readonly TempDirectory _root = new("cli-health");

    public async Task InitializeAsync()
    {
        await using var engine = Engine();
        using var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync());
        await engine.Images.ImportAsync(rootfs, new global::Containers.Images.ImportOptions { Reference = "busybox:latest" });
        using var again = new MemoryStream(await TestImages.BusyboxRootfsAsync());
        await engine.Images.ImportAsync(again, new global::Containers.Images.ImportOptions
        {
            Reference = "busybox-healthy:latest",
            Changes = ["CMD [\"sleep\", \"600\"]", "HEALTHCHECK --interval=100ms --retries=1 CMD true"],
        });
    }

    public async Task DisposeAsync()
    {
        await Process("rm", "-f", "hc-ok", "hc-bad", "hc-slow", "hc-image", "hc-none");
        await CliRunner.DeleteRootAsync(_root);
    }

    private ContainerEngine Engine() => ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.AddLinuxRuntime());

    private Task<ToolResult> Process(params string[] args) => CliRunner.RunProcessAsync(_root.Path, args);

    private Task<ToolResult> Cli(params string[] args) => CliRunner.RunAsync(_root.Path, args);

    private async Task<JsonElement> HealthAsync(string name)
    {
        var inspect = await Cli("inspect", name);
        inspect.ExitCode.Should().Be(0, inspect.Stderr);
        using var document = JsonDocument.Parse(inspect.Stdout);
        var state = document.RootElement[0].GetProperty("State");
        return state.TryGetProperty("Health", out var health) ? health.Clone() : default;
    }

    private static IEnumerable<int> HostProcesses(string commandLine) =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)).Select(n => int.Parse(n!, CultureInfo.InvariantCulture))
            .Where(pid =>
            {
                try
                {
                    return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim() == commandLine;
                }
                catch (IOException)
                {
                    return false;
                }
            });

    [Fact]
    public async Task A_detached_container_is_checked_after_its_starter_exited_and_ps_and_inspect_show_it()
    {
        var run = await Process("run", "-d", "--name", "hc-ok", "--health-cmd", "echo probing; test -f /tmp/ready", "--health-interval", "100ms", "--health-retries", "1000", "busybox", "sleep", "600");
        run.ExitCode.Should().Be(0, run.Stderr);
        (await Cli("ps")).Stdout.Should().Contain("(health: starting)");

        await Eventually.UntilAsync(async () => (await HealthAsync("hc-ok")) is { ValueKind: JsonValueKind.Object } h && h.GetProperty("FailingStreak").GetInt32() >= 2, "the monitor ran failing checks");
        var starting = await HealthAsync("hc-ok");
        starting.GetProperty("Status").GetString().Should().Be("starting");
        var last = starting.GetProperty("Log").EnumerateArray().Last();
        last.GetProperty("ExitCode").GetInt32().Should().Be(1);
        last.GetProperty("Output").GetString().Should().Be("probing\n");

        (await Process("exec", "hc-ok", "touch", "/tmp/ready")).ExitCode.Should().Be(0);
        await Eventually.UntilAsync(async () => (await HealthAsync("hc-ok")).GetProperty("Status").GetString() == "healthy", "the container turns healthy");
        (await Cli("ps")).Stdout.Should().Contain("(healthy)");
        var inspect = (await Cli("inspect", "hc-ok")).Stdout;
        inspect.Should().Contain("\"Healthcheck\": {").And.Contain("\"CMD-SHELL\"").And.Contain("\"Interval\": 100000000");

        (await Process("healthcheck", "run", "hc-ok")).Should().Match<ToolResult>(r => r.ExitCode == 0 && r.Stdout == "probing\n");
        (await Process("exec", "hc-ok", "rm", "/tmp/ready")).ExitCode.Should().Be(0);
        (await Process("healthcheck", "run", "hc-ok")).ExitCode.Should().Be(1);

        ContainerState state;
        await using (var engine = Engine())
        {
            state = (await engine.Containers.InspectAsync("hc-ok")).State;
        }

        var status = File.ReadAllLines($"/proc/{state.MonitorPid}/status");
        var rss = long.Parse(status.Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        rss.Should().BeLessThan(1024, "the monitor's resident memory (kB) stays under 1 MiB while it runs health checks");
    }

    [Fact]
    public async Task A_failing_detached_check_turns_unhealthy_and_a_timed_out_one_is_killed_with_what_it_started()
    {
        (await Process("run", "-d", "--name", "hc-bad", "--health-cmd", "echo nope; exit 1", "--health-interval", "100ms", "--health-retries", "2", "busybox", "sleep", "600")).ExitCode.Should().Be(0);
        (await Process("run", "-d", "--name", "hc-slow", "--health-cmd", "sleep 3581 & sleep 3582", "--health-interval", "100ms", "--health-timeout", "300ms", "--health-retries", "1000", "busybox", "sleep", "600")).ExitCode.Should().Be(0);

        await Eventually.UntilAsync(async () => (await HealthAsync("hc-bad")).GetProperty("Status").GetString() == "unhealthy", "the failing container turns unhealthy");
        var bad = await HealthAsync("hc-bad");
        bad.GetProperty("FailingStreak").GetInt32().Should().BeGreaterThanOrEqualTo(2);
        bad.GetProperty("Log").EnumerateArray().Last().GetProperty("Output").GetString().Should().Be("nope\n");
        (await Cli("ps")).Stdout.Should().Contain("(unhealthy)");

        await Eventually.UntilAsync(async () => (await HealthAsync("hc-slow")).GetProperty("Log").EnumerateArray().Count(r => r.GetProperty("ExitCode").GetInt32() == -1) >= 3, "three checks timed out");
        (await HealthAsync("hc-slow")).GetProperty("Log").EnumerateArray().Should().OnlyContain(r => r.GetProperty("Output").GetString() == "Health check exceeded timeout (300ms)");
        HostProcesses("sleep 3581").Count().Should().BeLessThanOrEqualTo(1, "each timed-out check was killed with the process it started");

        (await Process("rm", "-f", "hc-slow")).ExitCode.Should().Be(0);
        await Eventually.UntilAsync(() => Task.FromResult(!HostProcesses("sleep 3581").Any() && !HostProcesses("sleep 3582").Any()), "no check outlives its container");
    }

    [Fact]
    public async Task A_detached_container_uses_the_images_healthcheck_unless_disabled()
    {
        (await Process("run", "-d", "--name", "hc-image", "busybox-healthy")).ExitCode.Should().Be(0);
        (await Process("run", "-d", "--name", "hc-none", "--no-healthcheck", "busybox-healthy")).ExitCode.Should().Be(0);
        (await Cli("run", "--no-healthcheck", "--health-cmd", "true", "busybox", "true")).Stderr.Should().Contain("--no-healthcheck conflicts with --health-* options");

        await Eventually.UntilAsync(async () => (await HealthAsync("hc-image")).GetProperty("Status").GetString() == "healthy", "the image's check made it healthy");
        (await HealthAsync("hc-none")).ValueKind.Should().BeOneOf([JsonValueKind.Undefined, JsonValueKind.Null], "--no-healthcheck disables the image's check");
        (await Cli("ps")).Stdout.Split('\n').Single(l => l.Contains("hc-none", StringComparison.Ordinal)).Should().NotContainAny("(health", "(healthy)", "(unhealthy)");
    }
}
