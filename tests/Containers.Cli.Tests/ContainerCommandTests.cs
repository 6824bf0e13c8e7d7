using System.Diagnostics;
using Containers.Containers;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>The container commands, in-process and across real processes sharing one root.</summary>
public sealed class ContainerCommandTests : IAsyncLifetime
{
    private readonly TempDirectory _root = new("cli-run");

    public async Task InitializeAsync()
    {
        await using var engine = Engine();
        using var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync());
        await engine.Images.ImportAsync(rootfs, new global::Containers.Images.ImportOptions { Reference = "busybox:latest" });
    }

    public Task DisposeAsync() => CliRunner.DeleteRootAsync(_root);

    private ContainerEngine Engine() => ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.AddLinuxRuntime());

    private Task<ToolResult> Run(params string[] args) => CliRunner.RunAsync(_root.Path, args);

    [Fact]
    public async Task Run_passes_output_through_and_exits_with_the_containers_code()
    {
        var result = await Run("run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3");
        result.ExitCode.Should().Be(3);
        result.Stdout.Should().Be("out\n");
        result.Stderr.Should().Be("err\n");
        (await Run("ps", "-a", "-q")).Stdout.Should().BeEmpty("--rm removed it");
    }

    [Fact]
    public async Task Add_host_and_dns_flags_write_the_containers_name_resolution_files()
    {
        var result = await Run("run", "--rm", "--add-host", "db.local:10.1.2.3", "--dns", "10.0.0.53", "--dns-option", "ndots:2", "busybox", "cat", "/etc/hosts", "/etc/resolv.conf");

        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stdout.Should().Contain("10.1.2.3\tdb.local\n").And.Contain("nameserver 10.0.0.53\n").And.Contain("options ndots:2\n");
        var bad = await Run("run", "--rm", "--add-host", "db.local", "busybox", "true");
        bad.ExitCode.Should().Be(125);
        bad.Stderr.Should().Contain("NAME:ADDRESS");
    }

    [Fact]
    public async Task Run_exits_127_for_a_missing_command_and_125_for_engine_errors()
    {
        var missing = await Run("run", "--rm", "busybox", "no-such-command");
        missing.ExitCode.Should().Be(127);
        missing.Stderr.Should().Contain("executable file not found in $PATH");

        var badImage = await Run("run", "--rm", "--pull", "never", "no-such-image");
        badImage.ExitCode.Should().Be(125);
        badImage.Stderr.Should().Contain("No such image");

        (await Run("run", "--rm", "--memory", "lots", "busybox", "true")).ExitCode.Should().Be(125);
        (await Run("run", "--bogus-flag", "busybox")).ExitCode.Should().Be(125);
    }

    [Fact]
    public async Task Flags_after_the_image_belong_to_the_command()
    {
        (await Run("run", "--rm", "-e", "X=1", "busybox", "sh", "-c", "echo $X -e")).Stdout.Should().Be("1 -e\n");
    }

    [Fact]
    public async Task Another_process_lists_reads_logs_of_stops_and_removes_a_container()
    {
        await using var engine = Engine();
        var container = await engine.Containers.RunAsync(new ContainerCreateOptions { Image = "busybox", Name = "shared", Command = ["sh", "-c", "echo hello from shared; trap 'exit 5' TERM; while true; do sleep 0.1; done"] });
        await Eventually.UntilAsync(async () => (await engine.Containers.LogsAsync("shared").CountAsync()) > 0, "the shared container logged");

        var ps = await CliRunner.RunProcessAsync(_root.Path, "ps");
        ps.Stdout.Should().Contain("shared").And.Contain("Up ");
        (await CliRunner.RunProcessAsync(_root.Path, "logs", "shared")).Stdout.Should().Be("hello from shared\n");
        (await CliRunner.RunProcessAsync(_root.Path, "inspect", "shared")).Stdout.Should().Contain("\"Running\": true");

        var stop = await CliRunner.RunProcessAsync(_root.Path, "stop", "shared");
        stop.ExitCode.Should().Be(0, stop.Stderr);
        (await engine.Containers.WaitAsync(container.Id)).Should().Be(5);

        (await CliRunner.RunProcessAsync(_root.Path, "rm", "shared")).ExitCode.Should().Be(0);
        (await engine.Containers.ListAsync(all: true)).Should().BeEmpty();
    }

    [Fact]
    public async Task Killing_the_owning_process_with_SIGKILL_leaves_no_container_process_and_the_next_start_cleans_up()
    {
        var start = new ProcessStartInfo(CliRunner.ProgramPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--root", _root.Path, "run", "--name", "orphan", "busybox", "sleep", "600" })
        {
            start.ArgumentList.Add(arg);
        }

        using var owner = Process.Start(start)!;
        int pid;
        await using (var engine = Engine())
        {
            await Eventually.UntilAsync(async () => (await engine.Containers.ListAsync()).Any(c => c.Name == "orphan"), "the orphan is listed");
            pid = (await engine.Containers.InspectAsync("orphan")).State.Pid;
        }

        Directory.Exists($"/proc/{pid}").Should().BeTrue();
        owner.Kill(); // SIGKILL: the owner runs no cleanup
        await owner.WaitForExitAsync();

        await Eventually.UntilAsync(() => Task.FromResult(!Directory.Exists($"/proc/{pid}")), "the process is gone");
        await using (var engine = Engine())
        {
            var details = await engine.Containers.InspectAsync("orphan");
            details.State.Status.Should().Be(ContainerStatus.Exited);
            details.State.ExitCode.Should().Be(137);
            Directory.Exists(HostCgroups.Directory("memory", details.Spec!.Linux!.CgroupsPath!)).Should().BeFalse("recovery removed the cgroup");
            await engine.Containers.RemoveAsync("orphan");
        }
    }

    [Fact]
    public async Task Image_mount_shows_the_unpacked_root_read_only_and_system_df_counts_shared_layers()
    {
        var mount = await Run("image", "mount", "busybox");
        mount.ExitCode.Should().Be(0, mount.Stderr);
        var path = mount.Stdout.Trim();
        File.Exists(Path.Combine(path, "bin", "busybox")).Should().BeTrue();
        var write = () => File.WriteAllText(Path.Combine(path, "x"), "x");
        write.Should().Throw<IOException>().WithMessage("*Read-only*");

        (await Run("image", "unmount", "busybox")).ExitCode.Should().Be(0);
        Directory.Exists(path).Should().BeFalse();

        (await Run("system", "df")).Stdout.Should().MatchRegex(@"Unpacked layers \(shared\)\s+1\s");
    }
}
