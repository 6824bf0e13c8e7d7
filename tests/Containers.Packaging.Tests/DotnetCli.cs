using Containers.Testing;

namespace Containers.Packaging.Tests;

/// <summary>Runs the dotnet command line as a user would, without the MSBuild settings of the test run that started it.</summary>
internal static class DotnetCli
{
    public static Task<ToolResult> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        // dotnet test passes MSBuild and test host variables down; a nested build would inherit the outer one's SDK paths.
        var inherited = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase));
        return ExternalTool.RunAsync(
            "env",
            [.. inherited.SelectMany(k => new[] { "-u", k }), "-C", workingDirectory, "dotnet", .. arguments],
            timeout: timeout,
            environment: new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" });
    }

    /// <summary>Runs a command and fails with its output when it exits non-zero.</summary>
    public static async Task<string> RunCheckedAsync(string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var result = await RunAsync(workingDirectory, timeout, arguments);
        return result.ExitCode == 0
            ? result.Stdout
            : throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} exited {result.ExitCode}: {result.Stdout}{result.Stderr}");
    }
}
