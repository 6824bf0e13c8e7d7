using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>push, pull, image tags, login and logout through the command line, against a loopback docker-registry.</summary>
public sealed class RegistryCommandTests : IAsyncLifetime
{
    private readonly TempDirectory _root = new("cli-registry");
    private readonly TempDirectory _other = new("cli-registry-other");
    private RegistryServer _registry = null!;

    public async Task InitializeAsync()
    {
        _registry = await RegistryServer.StartAsync();
        var rootfs = _root.Combine("rootfs.tar");
        await File.WriteAllBytesAsync(rootfs, await TestImages.BusyboxRootfsAsync());
        (await CliRunner.RunAsync(_root.Path, "import", rootfs, "busybox:latest")).ExitCode.Should().Be(0);
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _root.Dispose();
        await CliRunner.DeleteRootAsync(_other);
    }

    [Fact]
    public async Task Push_then_pull_into_another_root_and_run()
    {
        var reference = $"{_registry.Host}/cli/busybox:1";
        var push = await CliRunner.RunAsync(_root.Path, "push", "busybox", reference);
        push.ExitCode.Should().Be(0, push.Stderr);
        push.Stdout.Should().StartWith($"{reference}: digest: sha256:");

        (await CliRunner.RunAsync(_root.Path, "image", "tags", $"{_registry.Host}/cli/busybox")).Stdout.Should().Be("1\n");

        var pull = await CliRunner.RunAsync(_other.Path, "pull", reference);
        pull.ExitCode.Should().Be(0, pull.Stderr);
        pull.Stdout.Should().Contain("Pull complete").And.Contain("Status: Downloaded image for " + reference);
        (await CliRunner.RunAsync(_other.Path, "system", "df")).Stdout.Should().MatchRegex(@"Unpacked layers \(shared\)\s+1\s", "the pull unpacked the layer as it arrived");
        var run = await CliRunner.RunAsync(_other.Path, "run", "--rm", reference, "echo", "from the registry");
        run.Stdout.Should().Be("from the registry\n");
    }

    [Fact]
    public async Task A_missing_image_fails_with_one_clear_line()
    {
        var result = await CliRunner.RunAsync(_other.Path, "pull", $"{_registry.Host}/nope/nothing:1");
        result.ExitCode.Should().Be(1);
        result.Stderr.Trim().Should().StartWith("Error: manifest unknown");
    }

    [Fact]
    public async Task On_a_terminal_push_and_pull_draw_progress_bars_in_place()
    {
        var reference = $"{_registry.Host}/cli/tty:1";

        // script(1) gives the real program a pseudo-terminal as its standard output.
        static Task<ToolResult> OnTerminalAsync(string root, params string[] args) => ExternalTool.RunAsync("script",
            ["-qec", string.Join(' ', new[] { CliRunner.ProgramPath, "--root", root }.Concat(args).Select(a => "'" + a + "'")), "/dev/null"]);

        var push = await OnTerminalAsync(_root.Path, "push", "busybox", reference);
        push.ExitCode.Should().Be(0, push.Stdout + push.Stderr);
        push.Stdout.Should().Contain("Pushed").And.Contain("\u001b[2K").And.Contain($"{reference}: digest: sha256:");

        var pull = await OnTerminalAsync(_other.Path, "pull", reference);
        pull.ExitCode.Should().Be(0, pull.Stdout + pull.Stderr);
        pull.Stdout.Should().Contain("\u001b[2K").And.Contain("\u001b[").And.Contain("Pull complete").And.Contain("Status: Downloaded image for " + reference);
        pull.Stdout.Should().MatchRegex(@"Downloading \[[= >]{30}\] ", "a bar is drawn while the layer downloads");
    }
}
