using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>
/// <c>containers build</c> as a user types it: -t, -f, --build-arg, --target, --no-cache, a context directory or a tar
/// on standard input, a line per step with CACHED where reused, and a parse error that names the file and line.
/// </summary>
public sealed class BuildCommandTests : IAsyncLifetime
{
    private const string Dockerfile = """
        FROM busybox AS base
        ARG GREETING=hello
        RUN echo "$GREETING" > /greeting
        COPY app.txt /app/

        FROM base AS tested
        RUN echo tested > /tested

        FROM busybox
        RUN exit 3
        """;

    private readonly TempDirectory _root = new("cli-build");
    private readonly TempDirectory _files = new("cli-build-files");

    private string ContextDirectory => _files.Combine("context");

    public async Task InitializeAsync()
    {
        var rootfs = _files.Combine("busybox.tar");
        await File.WriteAllBytesAsync(rootfs, await TestImages.BusyboxRootfsAsync());
        var import = await Run("import", "--change", "CMD [\"/bin/sh\"]", rootfs, "busybox:latest");
        import.ExitCode.Should().Be(0, import.Stderr);
        Directory.CreateDirectory(ContextDirectory);
        await File.WriteAllTextAsync(Path.Combine(ContextDirectory, "build.Dockerfile"), Dockerfile);
        await File.WriteAllTextAsync(Path.Combine(ContextDirectory, "app.txt"), "app\n");
    }

    public async Task DisposeAsync()
    {
        _files.Dispose();
        await CliRunner.DeleteRootAsync(_root);
    }

    private Task<ToolResult> Run(params string[] args) => CliRunner.RunAsync(_root.Path, args);

    private Task<ToolResult> Build(params string[] args) =>
        Run(["build", "-f", Path.Combine(ContextDirectory, "build.Dockerfile"), "--network", "none", .. args, ContextDirectory]);

    private async Task<string> CatAsync(string image, params string[] files)
    {
        var run = await Run(["run", "--rm", "--network", "none", image, "cat", .. files]);
        run.ExitCode.Should().Be(0, run.Stderr);
        return run.Stdout;
    }

    [Fact]
    public async Task Tag_file_build_arg_and_target_build_only_the_stages_the_target_needs_and_a_rebuild_prints_cached()
    {
        var cold = await Build("-t", "demo:1", "--build-arg", "GREETING=hi", "--target", "base");
        cold.ExitCode.Should().Be(0, cold.Stderr + cold.Stdout);
        cold.Stdout.Should().Contain("[base 3/4] RUN echo \"$GREETING\" > /greeting\n").And.Contain("Successfully tagged demo:1")
            .And.NotContain("exit 3", "the last stage is not the target's").And.NotContain("CACHED");
        (await CatAsync("demo:1", "/greeting", "/app/app.txt")).Should().Be("hi\napp\n");

        var warm = await Build("-t", "demo:1", "--build-arg", "GREETING=hi", "--target", "base");
        warm.ExitCode.Should().Be(0, warm.Stderr);
        StepLines(warm.Stdout).Skip(1).Should().OnlyContain(l => l.EndsWith(" CACHED", StringComparison.Ordinal));
        warm.Stdout.Should().Contain(cold.Stdout.Split('\n').Single(l => l.StartsWith("Successfully built", StringComparison.Ordinal)));

        await File.WriteAllTextAsync(Path.Combine(ContextDirectory, "app.txt"), "edited\n");
        var edited = await Build("-t", "demo:2", "--build-arg", "GREETING=hi", "--target", "base");
        edited.Stdout.Should().Contain("RUN echo \"$GREETING\" > /greeting CACHED").And.Contain("COPY app.txt /app/\n");
        (await CatAsync("demo:2", "/app/app.txt")).Should().Be("edited\n");

        var uncached = await Build("--no-cache", "-t", "demo:3", "--target", "tested");
        uncached.ExitCode.Should().Be(0, uncached.Stderr);
        uncached.Stdout.Should().NotContain("CACHED").And.Contain("[tested 2/2] RUN echo tested > /tested");
        (await CatAsync("demo:3", "/greeting", "/tested")).Should().Be("hello\ntested\n");

        var failing = await Build("-t", "demo:4");
        failing.ExitCode.Should().NotBe(0);
        failing.Stderr.Should().Contain("RUN exit 3").And.Contain("non-zero code: 3");
    }

    [Fact]
    public async Task A_context_tar_on_standard_input_builds_with_the_dockerfile_named_inside_it()
    {
        var tar = _files.Combine("context.tar");
        (await ExternalTool.RunAsync("tar", ["-C", ContextDirectory, "-cf", tar, "."])).ExitCode.Should().Be(0);
        var build = await ExternalTool.RunAsync("sh", ["-c", "exec \"$0\" --root \"$1\" build -t fromtar:1 -f build.Dockerfile --target tested --network none - < \"$2\"", CliRunner.ProgramPath, _root.Path, tar]);
        build.ExitCode.Should().Be(0, build.Stderr);
        build.Stdout.Should().Contain("[tested 2/2] RUN echo tested > /tested").And.Contain("Successfully tagged fromtar:1");
        (await CatAsync("fromtar:1", "/greeting", "/tested")).Should().Be("hello\ntested\n");
    }

    [Fact]
    public async Task A_parse_error_names_the_file_the_line_and_the_instruction()
    {
        var context = _files.Combine("broken");
        Directory.CreateDirectory(context);
        await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), "FROM busybox\n\nCOPY\nRUN true\n");
        var build = await Run("build", context);
        build.ExitCode.Should().NotBe(0);
        build.Stderr.Should().MatchRegex(@"Dockerfile:3: COPY: ").And.Contain("fix the Dockerfile");
    }

    private static IEnumerable<string> StepLines(string output) => output.Split('\n').Where(l => l.StartsWith('['));
}
