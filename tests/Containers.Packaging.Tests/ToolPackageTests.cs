using System.IO.Compression;
using Containers.Testing;

namespace Containers.Packaging.Tests;

/// <summary>
/// The command line as users install it: the RID-specific native .NET tool packages (Containers.Cli, pointing to
/// Containers.Cli.linux-x64) packed to a local feed, installed with <c>dotnet tool install --tool-path</c>, and run.
/// </summary>
public sealed class ToolPackageTests : IDisposable
{
    private const string Rid = "linux-x64";
    private readonly TempDirectory _scratch = new("tool-package");
    private readonly string _version = $"0.1.0-tool.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    public void Dispose()
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "containers.cli", "containers.cli." + Rid })
        {
            var restored = Path.Combine(cache, id, _version);
            if (Directory.Exists(restored))
            {
                Directory.Delete(restored, recursive: true);
            }
        }

        _scratch.Dispose();
    }

    [Fact]
    public async Task The_native_tool_installs_from_a_feed_and_runs_attached_and_detached_containers()
    {
        var feed = _scratch.Combine("feed");
        var project = Path.Combine(LocalFeed.RepositoryRoot, "samples", "Containers.Cli", "Containers.Cli.csproj");
        await DotnetCli.RunCheckedAsync(LocalFeed.RepositoryRoot, TimeSpan.FromMinutes(20), "pack", project, "-c", "Release", "-o", feed, $"-p:PackageVersion={_version}");
        await DotnetCli.RunCheckedAsync(LocalFeed.RepositoryRoot, TimeSpan.FromMinutes(20), "pack", project, "-c", "Release", "-r", Rid, "-o", feed, $"-p:PackageVersion={_version}");

        // The RID package holds the native executable (no IL to JIT) with the engine's native parts beside it.
        using (var archive = ZipFile.OpenRead(Path.Combine(feed, $"Containers.Cli.{Rid}.{_version}.nupkg")))
        {
            var entries = archive.Entries.Select(e => e.FullName).ToList();
            entries.Should().Contain([$"tools/net10.0/{Rid}/containers", $"tools/net10.0/{Rid}/containers-monitor", $"tools/net10.0/{Rid}/libcontainers_native.so"]);
            entries.Should().NotContain(e => e.EndsWith("containers.dll", StringComparison.Ordinal));
        }

        var tools = _scratch.Combine("tools");
        await DotnetCli.RunCheckedAsync(_scratch.Path, TimeSpan.FromMinutes(5),
            "tool", "install", "Containers.Cli", "--tool-path", tools, "--add-source", feed, "--version", _version);
        var containers = Path.Combine(tools, "containers");

        using var root = new TempDirectory("tool-root");
        await File.WriteAllBytesAsync(_scratch.Combine("busybox.tar"), await TestImages.BusyboxRootfsAsync());
        try
        {
            (await Run("import", _scratch.Combine("busybox.tar"), "busybox:latest")).Should().Contain("sha256:");
            (await Run("run", "--rm", "--network", "none", "busybox", "echo", "hello from the tool")).Should().Be("hello from the tool\n");

            // A detached container is parented by containers-monitor from the tool's package: it must be executable.
            var id = (await Run("run", "-d", "--network", "none", "busybox", "true")).Trim();
            (await Run("wait", id)).Trim().Should().Be("0");
            await Run("rm", id);
        }
        finally
        {
            await Run("system", "reset", "--force");
        }

        async Task<string> Run(params string[] args)
        {
            var result = await ExternalTool.RunAsync(containers, ["--root", root.Path, .. args], timeout: TimeSpan.FromMinutes(2));
            result.ExitCode.Should().Be(0, $"containers {string.Join(' ', args)}: {result.Stdout}{result.Stderr}");
            return result.Stdout;
        }
    }
}
