using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>Runs the <c>containers</c> program in-process (fast) or as a real child process (for concurrency tests).</summary>
internal static class CliRunner
{
    /// <summary>The native (AOT) program, published beside the tests by the build (tests/NativeExecutables.targets), as users run it.</summary>
    public static string ProgramPath => Path.Combine(AppContext.BaseDirectory, "native", "containers");

    public static async Task<ToolResult> RunAsync(string root, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Program.RunAsync(["--root", root, .. args], output, error);
        return new ToolResult(code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Runs <c>system reset --force</c> on a root and deletes it: the default bridge network and its firewall table live
    /// in the kernel and would outlive the directory.
    /// </summary>
    public static async Task DeleteRootAsync(TempDirectory root)
    {
        var reset = await RunAsync(root.Path, "system", "reset", "--force");
        root.Dispose();
        reset.ExitCode.Should().Be(0, reset.Stderr);
    }

    public static Task<ToolResult> RunProcessAsync(string root, params string[] args) =>
        ExternalTool.RunAsync(ProgramPath, ["--root", root, .. args]);
}
