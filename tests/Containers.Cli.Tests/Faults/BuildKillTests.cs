using System.Diagnostics;
using System.Formats.Tar;
using Containers.Testing;

namespace Containers.Cli.Tests.Faults;

/// <summary>
/// <c>containers build</c> SIGKILLed while a RUN step's container runs: the next command of the root finds no build
/// container, and nothing of it remains in the kernel (mount, cgroup, veth, process) or in the store's scratch space
/// (an unpacked context, a COPY's extraction, a cache entry being written).
/// </summary>
public sealed class BuildKillTests : IAsyncLifetime
{
    private const string Dockerfile = """
        FROM busybox
        COPY app.txt /app/
        RUN echo started; sleep 120
        """;

    private readonly TempDirectory _root = new("cli-build-kill");
    private readonly TempDirectory _files = new("cli-build-kill-files");
    private RootObjects _objects = null!;

    private string ContextDirectory => _files.Combine("context");

    public async Task InitializeAsync()
    {
        _objects = new RootObjects(_root.Path);
        var rootfs = _files.Combine("busybox.tar");
        await File.WriteAllBytesAsync(rootfs, await TestImages.BusyboxRootfsAsync());
        var import = await CliRunner.RunAsync(_root.Path, "import", rootfs, "busybox:latest");
        import.ExitCode.Should().Be(0, import.Stderr);
        Directory.CreateDirectory(ContextDirectory);
        await File.WriteAllTextAsync(Path.Combine(ContextDirectory, "Dockerfile"), Dockerfile);
        await File.WriteAllTextAsync(Path.Combine(ContextDirectory, "app.txt"), "app\n");
    }

    public async Task DisposeAsync()
    {
        _files.Dispose();
        await CliRunner.DeleteRootAsync(_root);
    }

    [Fact]
    public async Task A_build_killed_while_its_RUN_container_runs_leaves_no_container_and_nothing_in_the_kernel()
    {
        using var build = _objects.Start("build", "--no-cache", "-t", "killed:1", ContextDirectory);
        await KillWhileRunStepRunsAsync(build);

        await CheckNothingLeftAsync();
    }

    [Fact]
    public async Task A_build_of_a_context_on_standard_input_killed_midway_leaves_no_scratch_directory()
    {
        var tar = _files.Combine("context.tar");
        await TarFile.CreateFromDirectoryAsync(ContextDirectory, tar, includeBaseDirectory: false);
        using var build = _objects.StartWithInput(tar, "build", "--no-cache", "-t", "killed:2", "-");
        await KillWhileRunStepRunsAsync(build);
        Directory.EnumerateFileSystemEntries(Path.Combine(_root.Path, "tmp"), "build-*").Should().NotBeEmpty("the killed build had unpacked its context");

        await CheckNothingLeftAsync();
    }

    /// <summary>Waits (bounded) until the RUN step's command runs in the root's cgroups, then SIGKILLs the build.</summary>
    private async Task KillWhileRunStepRunsAsync(Process build)
    {
        var output = build.StandardOutput.ReadToEndAsync();
        var error = build.StandardError.ReadToEndAsync();
        await Eventually.UntilAsync(
            () => Task.FromResult(build.HasExited || _objects.Processes().Any(p => p.Contains("sleep 120", StringComparison.Ordinal))),
            "the RUN step's container runs");
        if (build.HasExited)
        {
            throw new Xunit.Sdk.XunitException($"the build ended before its RUN step ran: {await error}{await output}");
        }

        build.Kill();
        await build.WaitForExitAsync();
    }

    private async Task CheckNothingLeftAsync()
    {
        // The next command starts an engine, whose recovery finishes or undoes what the killed build began.
        var names = await _objects.RunAsync("ps", "-a", "--format", "{{.Names}}");
        names.ExitCode.Should().Be(0, names.Stderr);
        Directory.EnumerateFileSystemEntries(Path.Combine(_root.Path, "tmp"), "build-*").Should().BeEmpty("a killed build's scratch files are deleted");
        var cache = Path.Combine(_root.Path, "build-cache");
        (Directory.Exists(cache) ? Directory.EnumerateFiles(cache, "*.tmp") : Enumerable.Empty<string>()).Should().BeEmpty("no cache entry is left half-written");
        names.Stdout.Should().NotContain("build-", "a killed build's step container is removed by the next engine start");
        (await _objects.LeftoversAfterAsync(TimeSpan.FromSeconds(30))).Should().BeEmpty("nothing of the step's container remains in the kernel");

        // The build was killed before it named its image.
        var images = await _objects.RunAsync("images");
        images.ExitCode.Should().Be(0, images.Stderr);
        FaultSuiteTests.ImageNames(images.Stdout).Should().NotContain(n => n.StartsWith("killed:", StringComparison.Ordinal), "a killed build names no image");
    }
}
