using System.Diagnostics;

namespace Containers.Testing;

/// <summary>Runs third-party programs (skopeo, umoci, podman, tar) for interoperability tests.</summary>
public static class ExternalTool
{
    /// <summary>Finds a program on PATH, or returns null.</summary>
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => System.IO.Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    /// <summary>Finds a program the tests need; CI installs them all, so a missing one fails the test with the fix.</summary>
    public static string Require(string name) =>
        Find(name) ?? throw new InvalidOperationException($"'{name}' is not installed; run scripts/install-deps.sh (CI does) to install it.");

    /// <summary>Runs a program to completion and returns its exit code and output.</summary>
    public static async Task<ToolResult> RunAsync(string program, IEnumerable<string> arguments, string? stdin = null, TimeSpan? timeout = null, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program.Contains('/') ? program : Require(program))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in time");
        }

        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs a program and fails with its output when it exits non-zero.</summary>
    public static async Task<string> RunCheckedAsync(string program, params string[] arguments)
    {
        var result = await RunAsync(program, arguments);
        return result.ExitCode == 0
            ? result.Stdout
            : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {result.ExitCode}: {result.Stderr}{result.Stdout}");
    }
}

/// <summary>The outcome of running an external program.</summary>
public sealed record ToolResult(int ExitCode, string Stdout, string Stderr);
