using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>
/// Roots that vanish without a reset (deleted with <c>rm -rf</c>, or a scratch root whose process is SIGKILLed) leave
/// bridges, veths, tables, cgroups, mounts, monitors and containers in the kernel; the next engine start on an unrelated
/// root reclaims them, and leaves a live root's objects and other software's alone. Every check names only this
/// test's roots: other tests and engineers run engines on the same host at the same time.
/// </summary>
public sealed class OrphanedRootTests : IAsyncLifetime
{
    private readonly TempDirectory _deleted = new("orphan-deleted");
    private readonly TempDirectory _killed = new("orphan-killed");
    private readonly TempDirectory _live = new("orphan-live");
    private readonly TempDirectory _unrelated = new("orphan-unrelated");
    private readonly TempDirectory _unregistered = new("orphan-unregistered");
    private readonly string _foreignBridge = "rtf" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private readonly string _foreignTable = "roots_foreign_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    public async Task InitializeAsync()
    {
        foreach (var root in new[] { _deleted, _killed, _live, _unregistered })
        {
            await using var engine = ContainerEngine.Create(new ContainersOptions { Root = root.Path });
            using var rootfs = new MemoryStream(await TestImages.BusyboxRootfsAsync());
            await engine.Images.ImportAsync(rootfs, new global::Containers.Images.ImportOptions { Reference = "busybox:latest" });
        }
    }

    public async Task DisposeAsync()
    {
        await ExternalTool.RunAsync("ip", ["link", "del", _foreignBridge]);
        await ExternalTool.RunAsync("nft", ["delete", "table", "ip", _foreignTable]);
        await CliRunner.DeleteRootAsync(_live);
        await CliRunner.DeleteRootAsync(_unrelated);
        foreach (var gone in new[] { _deleted, _killed, _unregistered })
        {
            foreach (var mount in new RootObjects(gone.Path).Mounts().OrderByDescending(m => m.Length))
            {
                await ExternalTool.RunAsync("umount", ["-l", mount]);
            }

            gone.Dispose();
        }
    }

    [Fact]
    public async Task The_next_engine_start_reclaims_what_deleted_and_abandoned_roots_left_and_nothing_else()
    {
        // Other software's objects: a bridge with someone else's alias and a table with someone else's comment.
        (await ExternalTool.RunAsync("ip", ["link", "add", _foreignBridge, "type", "bridge"])).ExitCode.Should().Be(0);
        (await ExternalTool.RunAsync("ip", ["link", "set", _foreignBridge, "alias", "podman network bridge (not dotnet-containers)"])).ExitCode.Should().Be(0);
        (await ExternalTool.RunAsync("nft", ["add", "table", "ip", _foreignTable, "{ comment \"dotnet-containers lookalike\" ; }"])).ExitCode.Should().Be(0);
        var foreignBefore = ForeignInterfaces();

        var live = await CliRunner.RunProcessAsync(_live.Path, "run", "-d", "-p", "127.0.0.1::80", "busybox", "httpd", "-f", "-p", "80");
        live.ExitCode.Should().Be(0, live.Stderr);
        var liveBefore = await KernelObjects.TakeAsync(_live.Path);
        liveBefore.Processes.Should().NotBeEmpty("the live root runs a monitored container");

        // Root one: a detached container with a published port, then rm -rf as a user would (mount points stay busy).
        var deleted = await CliRunner.RunProcessAsync(_deleted.Path, "run", "-d", "-p", "127.0.0.1::80", "busybox", "httpd", "-f", "-p", "80");
        deleted.ExitCode.Should().Be(0, deleted.Stderr);
        var deletedBefore = await KernelObjects.TakeAsync(_deleted.Path);
        deletedBefore.Bridges.Should().NotBeEmpty();
        deletedBefore.Veths.Should().NotBeEmpty();
        deletedBefore.TableExists.Should().BeTrue();
        deletedBefore.Cgroups.Should().NotBeEmpty();
        deletedBefore.Mounts.Should().NotBeEmpty();
        deletedBefore.Processes.Should().HaveCountGreaterThanOrEqualTo(2, "a monitor and its container");
        await ExternalTool.RunAsync("rm", ["-rf", _deleted.Path]);
        File.Exists(Path.Combine(_deleted.Path, RootIdentityFile)).Should().BeFalse("rm -rf removed the root's ID");

        // Root two: a scratch root held by a separate CLI process running a published container, SIGKILLed.
        var holder = StartCli("--scratch", "--root", _killed.Path, "run", "-p", "127.0.0.1::80", "busybox", "httpd", "-f", "-p", "80");
        KernelObjects killedBefore;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(90);
            do
            {
                holder.HasExited.Should().BeFalse($"the CLI holds its container: {(holder.HasExited ? await holder.StandardError.ReadToEndAsync() : string.Empty)}");
                DateTime.UtcNow.Should().BeBefore(deadline, "the CLI's container should start");
                await Task.Delay(100);
                killedBefore = await KernelObjects.TakeAsync(_killed.Path);
            }
            while (killedBefore.Veths.Count == 0 || killedBefore.Processes.Count == 0 || !killedBefore.TableExists);
        }
        finally
        {
            holder.Kill(); // SIGKILL: no reset runs
            await holder.WaitForExitAsync();
        }

        killedBefore.Cgroups.Should().NotBeEmpty();
        killedBefore.Mounts.Should().NotBeEmpty();

        await using (ContainerEngine.Create(new ContainersOptions { Root = _unrelated.Path }, b => b.AddLinuxRuntime()))
        {
        }

        foreach (var (name, before, root) in new[] { ("deleted", deletedBefore, _deleted.Path), ("killed", killedBefore, _killed.Path) })
        {
            var left = await LeftAfterAsync(before, root);
            left.Should().BeEmpty($"the {name} root's kernel objects were reclaimed");
        }

        Directory.Exists(_killed.Path).Should().BeFalse("an abandoned scratch root's directory is deleted");

        var liveAfter = await KernelObjects.TakeAsync(_live.Path);
        liveAfter.Should().BeEquivalentTo(liveBefore, "a live root's objects are untouched");
        var ps = await CliRunner.RunProcessAsync(_live.Path, "ps", "-q");
        ps.Stdout.Trim().Should().NotBeEmpty("the live root's container still runs");
        ForeignInterfaces().Should().Contain(foreignBefore, "other software's interfaces are untouched (other tests may add their own meanwhile)");
        (await ExternalTool.RunAsync("nft", ["list", "table", "ip", _foreignTable])).ExitCode.Should().Be(0, "other software's table is untouched");
    }

    [Fact]
    public async Task A_live_root_missing_from_the_registry_is_entered_again_so_it_is_reclaimed_once_deleted()
    {
        // Engine starts skip the host-wide look while every registered root is live and the registry is as the last
        // full pass left it; a root with objects but no entry (the registry deleted by hand, say) must not hide there.
        var run = await CliRunner.RunProcessAsync(_unregistered.Path, "run", "-d", "-p", "127.0.0.1::80", "busybox", "httpd", "-f", "-p", "80");
        run.ExitCode.Should().Be(0, run.Stderr);
        var before = await KernelObjects.TakeAsync(_unregistered.Path);
        before.Processes.Should().NotBeEmpty();
        var entry = Path.Combine("/run/dotnet-containers/roots", File.ReadAllText(Path.Combine(_unregistered.Path, RootIdentityFile)).Trim());
        File.Exists(entry).Should().BeTrue("the root registered before making kernel objects");

        await StartUnrelatedEngineAsync(); // the pass state is clean, or this pass makes it so
        File.Delete(entry);
        await StartUnrelatedEngineAsync();
        File.Exists(entry).Should().BeTrue("the registry changed, so the pass looked at the host and entered the live root it found");

        await StartUnrelatedEngineAsync();
        await ExternalTool.RunAsync("rm", ["-rf", _unregistered.Path]);
        await StartUnrelatedEngineAsync();
        (await LeftAfterAsync(before, _unregistered.Path)).Should().BeEmpty("the deleted root's kernel objects were reclaimed");
    }

    private async Task StartUnrelatedEngineAsync()
    {
        await using (ContainerEngine.Create(new ContainersOptions { Root = _unrelated.Path }, b => b.AddLinuxRuntime()))
        {
        }
    }

    private const string RootIdentityFile = "root-id";

    private static Process StartCli(params string[] args)
    {
        var start = new ProcessStartInfo(CliRunner.ProgramPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    /// <summary>Interfaces that are not this engine's (no dc/dv prefix): the loopback, the host's, podman's, the foreign bridge.</summary>
    private static List<string> ForeignInterfaces() =>
        Directory.EnumerateDirectories("/sys/class/net").Select(Path.GetFileName).OfType<string>()
            .Where(n => !n.StartsWith("dc", StringComparison.Ordinal) && !n.StartsWith("dv", StringComparison.Ordinal) && !n.StartsWith("veth", StringComparison.Ordinal))
            .ToList();

    /// <summary>Waits (bounded: killed processes take a moment to go) until none of the objects remain; returns what is left.</summary>
    private static async Task<List<string>> LeftAfterAsync(KernelObjects before, string root)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var left = before.Bridges.Where(b => Directory.Exists($"/sys/class/net/{b}")).Select(b => "bridge " + b)
                .Concat(before.Veths.Where(v => Directory.Exists($"/sys/class/net/{v}")).Select(v => "veth " + v))
                .Concat(before.Cgroups.Where(Directory.Exists).Select(c => "cgroup " + c))
                .Concat(new RootObjects(root).Mounts().Select(m => "mount " + m))
                .Concat(before.Pids.Where(p => Alive(p)).Select(p => "process " + p))
                .Concat(new RootObjects(root).Processes().Select(p => "process " + p))
                .ToList();
            if (await TableExistsAsync(before.Table))
            {
                left.Add("table " + before.Table);
            }

            if (left.Count == 0 || DateTime.UtcNow > deadline)
            {
                return left;
            }

            await Task.Delay(100);
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/stat").Split(") ")[^1].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task<bool> TableExistsAsync(string table) =>
        (await ExternalTool.RunAsync("nft", ["list", "table", "ip", table])).ExitCode == 0;

    /// <summary>The kernel objects of one root, found from its files and its path (so taken before the root is deleted).</summary>
    private sealed record KernelObjects(List<string> Bridges, List<string> Veths, string Table, bool TableExists, List<string> Cgroups, List<string> Mounts, List<string> Processes)
    {
        public List<int> Pids => Processes.Select(p => int.Parse(p[..p.IndexOf(':', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture)).ToList();

        public static async Task<KernelObjects> TakeAsync(string root)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(root))))[..12];
            var networks = Path.Combine(root, "networks");
            var bridges = Directory.Exists(networks)
                ? Directory.EnumerateFiles(networks, "*.json")
                    .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.TryGetProperty("bridge", out var b) ? b.GetString() : null)
                    .OfType<string>()
                    .Where(b => Directory.Exists($"/sys/class/net/{b}"))
                    .ToList()
                : [];
            var veths = bridges.Select(b => $"/sys/class/net/{b}/brif").Where(Directory.Exists).SelectMany(Directory.EnumerateFileSystemEntries).Select(Path.GetFileName).OfType<string>().ToList();
            var cgroups = Directory.EnumerateDirectories("/sys/fs/cgroup").Select(h => Path.Combine(h, "dotnet-containers", hash)).Where(Directory.Exists).ToList();
            var objects = new RootObjects(root);
            var table = "dotnet_containers_" + hash;
            return new KernelObjects(bridges, veths, table, await TableExistsAsync(table), cgroups, [.. objects.Mounts()], [.. objects.Processes()]);
        }
    }
}
