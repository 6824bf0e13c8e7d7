using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Containers.Hosting;
using Containers.Linux.Hosting;
using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>
/// The fault suite, kill part: the real program doing run -d (some publishing a port), run --rm, rm -f, exec, import,
/// pull (from a loopback docker-registry), build (a RUN and a COPY, from a directory or a tar on standard input), commit,
/// images, rmi and image prune, SIGKILLed at random points (seeded; the seed is printed on failure and
/// <c>FAULT_SEED</c> replays it). After every step each command finishes within a bound, one that was not killed
/// succeeds where it must, and the store is consistent (every container and image inspects, no build step's container
/// is left); at the end, after the next engine start, nothing of the kernel (mount, cgroup, veth, firewall rule,
/// monitor or container process) remains that no running container of this root owns, and nothing of the store is left
/// half-done: no ingest file, temporary file or build scratch directory, no staged or uncommitted layer, no lock anyone
/// still holds.
/// </summary>
public sealed class FaultSuiteTests : IAsyncLifetime
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(100);
    private const string Dockerfile = """
        FROM busybox
        COPY app.txt /app/
        RUN echo built > /built; sleep 0.2
        """;

    private const int Pullable = 3;
    private readonly TempDirectory _root = new("cli-faults");
    private readonly TempDirectory _pusher = new("cli-faults-pusher");
    private RootObjects _objects = null!;
    private RegistryServer _registry = null!;
    private string _tar = null!;
    private string _context = null!;
    private string _contextTar = null!;

    public async Task InitializeAsync()
    {
        _objects = new RootObjects(_root.Path);
        await using var engine = ContainerEngine.Create(new ContainersOptions { Root = _root.Path }, b => b.AddLinuxRuntime());
        var bytes = await TestImages.BusyboxRootfsAsync();
        using var rootfs = new MemoryStream(bytes);
        await engine.Images.ImportAsync(rootfs, new global::Containers.Images.ImportOptions { Reference = "busybox:latest" });
        _tar = Path.Combine(_root.Path, "busybox.tar");
        await File.WriteAllBytesAsync(_tar, bytes);
        _context = _pusher.Combine("context");
        Directory.CreateDirectory(_context);
        await File.WriteAllTextAsync(Path.Combine(_context, "Dockerfile"), Dockerfile);
        await File.WriteAllTextAsync(Path.Combine(_context, "app.txt"), "app\n");
        _contextTar = _pusher.Combine("context.tar");
        await System.Formats.Tar.TarFile.CreateFromDirectoryAsync(_context, _contextTar, includeBaseDirectory: false);

        // Images only the registry has, each with layers of its own, so every pull downloads and stores new blobs.
        _registry = await RegistryServer.StartAsync();
        for (var i = 0; i < Pullable; i++)
        {
            var variant = _pusher.Combine($"variant{i}.tar");
            await File.WriteAllBytesAsync(variant, await TestImages.BusyboxRootfsAsync(new Dictionary<string, string> { ["variant"] = new string('x', 100_000 * (i + 1)) }));
            (await CliRunner.RunAsync(_pusher.Path, "import", variant, $"variant:{i}")).ExitCode.Should().Be(0);
            var push = await CliRunner.RunAsync(_pusher.Path, "push", $"variant:{i}", PullReference(i));
            push.ExitCode.Should().Be(0, push.Stderr);
        }
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        await CliRunner.DeleteRootAsync(_pusher);
        await CliRunner.DeleteRootAsync(_root);
    }

    private string PullReference(int variant) => $"{_registry.Host}/fault/variant:{variant}";

    [Fact]
    public async Task Commands_killed_at_random_points_leave_no_hang_no_inconsistency_and_no_leak()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FAULT_SEED"), CultureInfo.InvariantCulture, out var given) ? given : Random.Shared.Next();
        var random = new Random(seed);
        var steps = new List<string>();
        try
        {
            var started = DateTime.UtcNow;
            for (var step = 0; DateTime.UtcNow - started < Budget; step++)
            {
                var (args, input) = await NextCommandAsync(random, step);

                // A build runs longer than the other commands: its kills spread over its whole length.
                var killAfter = random.NextDouble() < 0.8 ? random.Next(30, args[0] == "build" ? 5000 : 1500) : -1;
                steps.Add($"{step}: containers {string.Join(' ', args)}{(input is null ? string.Empty : " < " + Path.GetFileName(input))} (kill -9 after {(killAfter < 0 ? "never" : killAfter + " ms")})");
                var (killed, result) = await RunKilledAsync(args, input, killAfter);
                if (!killed && args[0] is "pull" or "images" or "rmi" or "image" or "build" or "commit")
                {
                    // Whatever an earlier kill left, a store command that runs to its end succeeds.
                    result.ExitCode.Should().Be(0, $"'containers {string.Join(' ', args)}' was not killed: {result.Stderr}");
                }

                await CheckConsistentAsync();
            }

            // The next engine start (this command's) releases whatever dead processes left.
            var running = Lines((await _objects.RunAsync("ps", "-q", "--no-trunc")).Stdout);
            CheckOwnedByRunning(running);
            (await _objects.DnatTargetsAsync()).Should().BeSubsetOf(AddressesOf(running), "no firewall rule forwards to a container that does not run");

            foreach (var id in Lines((await _objects.RunAsync("ps", "-a", "-q", "--no-trunc")).Stdout))
            {
                (await _objects.RunAsync("rm", "-f", id)).ExitCode.Should().Be(0);
            }

            (await _objects.LeftoversAfterAsync(TimeSpan.FromSeconds(30))).Should().BeEmpty("every container is removed");
            (await _objects.DnatTargetsAsync()).Should().BeEmpty("no container is left to forward a port to");
            StoreLeftovers().Should().BeEmpty("the engine starts since the last kill finished or undid every half-done write");
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"The fault suite failed with seed {seed} (replay: FAULT_SEED={seed}). Steps:\n{string.Join('\n', steps)}\n{e}");
        }
    }

    private async Task<(string[] Args, string? Input)> NextCommandAsync(Random random, int step)
    {
        var tag = step.ToString(CultureInfo.InvariantCulture);
        var all = Lines((await _objects.RunAsync("ps", "-a", "-q", "--no-trunc")).Stdout);
        var running = Lines((await _objects.RunAsync("ps", "-q", "--no-trunc")).Stdout);
        var pulled = ImageNames((await _objects.RunAsync("images")).Stdout).Where(i => i.StartsWith(_registry.Host, StringComparison.Ordinal)).ToList();
        return random.Next(14) switch
        {
            0 => (["run", "-d", "busybox", "sleep", "1000"], null),
            1 => (["run", "-d", "-p", "127.0.0.1::80", "busybox", "sh", "-c", "echo changed > /changed; sleep 1000"], null),
            2 => (["run", "--rm", "busybox", "sh", "-c", "echo hello; sleep 0.3"], null),
            3 when all.Count > 0 => (["rm", "-f", all[random.Next(all.Count)]], null),
            4 when running.Count > 0 => (["exec", running[random.Next(running.Count)], "sh", "-c", "sleep 0.5"], null),
            5 => (["import", _tar, "imported:" + tag], null),
            6 or 7 => (["pull", PullReference(random.Next(Pullable))], null),
            8 when pulled.Count > 0 => (["rmi", "-f", pulled[random.Next(pulled.Count)]], null),
            8 => (["images"], null),
            9 => (["image", "prune", "-f"], null),
            10 or 11 => (["build", "--no-cache", "-t", "built:" + tag, _context], null),
            12 => (["build", "--no-cache", "-t", "built:" + tag, "-"], _contextTar),
            13 when all.Count > 0 => (["commit", all[random.Next(all.Count)], "committed:" + tag], null),
            _ => (["run", "-d", "busybox", "sleep", "1000"], null),
        };
    }

    /// <summary>Runs the program, SIGKILLs it after the given time unless it ended first; tells whether it was killed.</summary>
    private async Task<(bool Killed, ToolResult Result)> RunKilledAsync(string[] args, string? input, int killAfterMilliseconds)
    {
        using var process = input is null ? _objects.Start(args) : _objects.StartWithInput(input, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        var exited = process.WaitForExitAsync();
        var killed = false;
        if (killAfterMilliseconds >= 0 && await Task.WhenAny(exited, Task.Delay(killAfterMilliseconds)) != exited)
        {
            process.Kill();
            killed = true;
        }

        if (await Task.WhenAny(exited, Task.Delay(RootObjects.CommandBound)) != exited)
        {
            process.Kill();
            throw new Xunit.Sdk.XunitException($"'containers {string.Join(' ', args)}' did not finish within {RootObjects.CommandBound.TotalSeconds} s");
        }

        await Task.WhenAll(output, error);
        return (killed, new ToolResult(process.ExitCode, output.Result, error.Result));
    }

    /// <summary>ps -a lists every container directory, and inspect works for each; no build step's container is left.</summary>
    private async Task CheckConsistentAsync()
    {
        var listed = Lines((await _objects.RunAsync("ps", "-a", "-q", "--no-trunc")).Stdout);
        _objects.ContainerDirectories().Should().BeEquivalentTo(listed, "every container directory is a container ps -a lists");
        Lines((await _objects.RunAsync("ps", "-a", "--format", "{{.Names}}")).Stdout).Should()
            .NotContain(n => n.StartsWith("build-", StringComparison.Ordinal), "a build's step container goes with the build, killed or not");
        if (listed.Count > 0)
        {
            var inspect = await _objects.RunAsync(["inspect", .. listed]);
            inspect.ExitCode.Should().Be(0, inspect.Stderr);
        }

        // The image index was never left half-written: it lists, and each image it names has its manifest and config.
        var images = await _objects.RunAsync("images", "-q", "--no-trunc");
        images.ExitCode.Should().Be(0, images.Stderr);
        var ids = Lines(images.Stdout).Distinct().ToList();
        if (ids.Count > 0)
        {
            var inspect = await _objects.RunAsync(["image", "inspect", .. ids]);
            inspect.ExitCode.Should().Be(0, inspect.Stderr);
        }
    }

    /// <summary>
    /// What a killed store write could leave: ingest files, build scratch directories, temporary files of the image
    /// index or the build cache, staged or uncommitted layers, and locks still held.
    /// </summary>
    private List<string> StoreLeftovers()
    {
        var left = new List<string>();
        var temp = Path.Combine(_root.Path, "tmp");
        if (Directory.Exists(temp))
        {
            left.AddRange(Directory.EnumerateFiles(temp, "ingest-*"));
            left.AddRange(Directory.EnumerateFileSystemEntries(temp, "build-*"));
        }

        foreach (var directory in new[] { "content", "build-cache" }.Select(d => Path.Combine(_root.Path, d)).Where(Directory.Exists))
        {
            left.AddRange(Directory.EnumerateFiles(directory, "*.tmp", SearchOption.AllDirectories));
        }

        var overlay = Path.Combine(_root.Path, "storage", "overlay");
        if (Directory.Exists(Path.Combine(overlay, "staging")))
        {
            left.AddRange(Directory.EnumerateFileSystemEntries(Path.Combine(overlay, "staging")));
        }

        if (Directory.Exists(Path.Combine(overlay, "layers")))
        {
            left.AddRange(Directory.EnumerateDirectories(Path.Combine(overlay, "layers")).Where(d => !File.Exists(Path.Combine(d, "committed"))));
        }

        // No container runs now, so no process may hold any lock of the root.
        var locks = Path.Combine(_root.Path, "locks");
        foreach (var file in Directory.Exists(locks) ? Directory.EnumerateFiles(locks, "*", SearchOption.AllDirectories) : [])
        {
            try
            {
                using var held = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e)
            {
                left.Add($"{file} is held: {e.Message}");
            }
        }

        return left;
    }

    /// <summary>Every mount, cgroup, veth and process of the root belongs to a running container.</summary>
    private void CheckOwnedByRunning(IReadOnlyList<string> running)
    {
        bool Owned(string text) => running.Any(id => text.Contains(id, StringComparison.Ordinal));
        _objects.Mounts().Where(m => !Owned(m)).Should().BeEmpty("no mount outlives its container");
        _objects.Cgroups().Where(c => !Owned(c)).Should().BeEmpty("no cgroup outlives its container");
        _objects.Processes().Where(p => !Owned(p) && !ProcessInCgroupOf(p, running)).Should().BeEmpty("no process outlives its container");
        var expectedVeths = NetworkIds().SelectMany(n => running.Select(id => "dv" + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(id + n)))[..12])).ToHashSet();
        _objects.Veths().Where(v => !expectedVeths.Contains(v)).Should().BeEmpty("no veth outlives its container");
    }

    private static bool ProcessInCgroupOf(string process, IReadOnlyList<string> running)
    {
        var pid = process[..process.IndexOf(':', StringComparison.Ordinal)];
        try
        {
            var cgroup = File.ReadAllText($"/proc/{pid}/cgroup");
            return running.Any(id => cgroup.Contains(id, StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return true; // exited meanwhile
        }
    }

    /// <summary>The addresses the root's networks gave the containers that run.</summary>
    private List<string> AddressesOf(IReadOnlyList<string> running)
    {
        var addresses = new List<string>();
        var networks = Path.Combine(_root.Path, "networks");
        foreach (var file in Directory.Exists(networks) ? Directory.EnumerateFiles(networks, "*.json") : Enumerable.Empty<string>())
        {
            if (!JsonDocument.Parse(File.ReadAllText(file)).RootElement.TryGetProperty("endpoints", out var endpoints))
            {
                continue;
            }

            foreach (var endpoint in endpoints.EnumerateArray())
            {
                if (running.Contains(endpoint.GetProperty("containerId").GetString() ?? string.Empty) && endpoint.TryGetProperty("address", out var address))
                {
                    addresses.Add((address.GetString() ?? string.Empty).Split('/')[0]);
                }
            }
        }

        return addresses;
    }

    private IEnumerable<string> NetworkIds() =>
        Directory.Exists(Path.Combine(_root.Path, "networks"))
            ? Directory.EnumerateFiles(Path.Combine(_root.Path, "networks"), "*.json").Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("id").GetString()!)
            : [];

    /// <summary>The REPOSITORY:TAG names of an <c>images</c> table (the command has no Go-template output).</summary>
    internal static List<string> ImageNames(string table) =>
        Lines(table).Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(c => c.Length > 1 && c[0] != "<none>").Select(c => c[0] + ":" + c[1]).ToList();

    private static List<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
