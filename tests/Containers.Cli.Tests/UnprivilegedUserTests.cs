using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>The command line run by a user without root: one line saying what is needed, instead of a lock file's or chown's error.</summary>
public sealed class UnprivilegedUserTests : IDisposable
{
    private readonly TempDirectory _root = new("cli-nobody");

    public void Dispose() => _root.Dispose();

    [Theory]
    [InlineData("ps", "-a")]
    [InlineData("run", "--rm", "busybox", "true")]
    public async Task A_command_as_nobody_fails_at_engine_creation_saying_root_is_needed(params string[] command)
    {
        // A root nobody may write, so the old failure (deeper: a chown, a mount) is what the check must come before.
        File.SetUnixFileMode(_root.Path, (UnixFileMode)0x1FF);

        var result = await ExternalTool.RunAsync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", CliRunner.ProgramPath, "--root", _root.Path, .. command]);

        result.ExitCode.Should().Be(1, result.Stdout + result.Stderr);
        result.Stderr.Trim().Should().Be("Error: The Linux container runtime needs root: this process runs as uid 65534 without CAP_SYS_ADMIN. Run it as root (sudo) or in a privileged container; rootless mode does not exist yet.");
        Directory.EnumerateFileSystemEntries(_root.Path).Should().BeEmpty("the check comes before the engine writes its root");
    }
}
