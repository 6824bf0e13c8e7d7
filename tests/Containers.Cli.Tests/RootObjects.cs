using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>
/// Lists what the kernel holds for one store root, and only for it (other tests and engineers share the machine):
/// mounts under the root, cgroups under the root's cgroup parent, veths on the root's bridges, and processes that
/// are the root's monitors or run in its cgroups. Also runs the <c>containers</c> program as a real, killable process.
/// </summary>
internal sealed partial class RootObjects(string root)
{
    /// <summary>How long any command may take before the test fails naming it: generous, this machine is loaded.</summary>
    public static readonly TimeSpan CommandBound = TimeSpan.FromSeconds(90);

    private string RootHash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(root))))[..12];

    private string CgroupParent => "dotnet-containers/" + RootHash;

    /// <summary>Mount points under the root.</summary>
    public IReadOnlyList<string> Mounts() =>
        File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).Where(p => p.StartsWith(root + "/", StringComparison.Ordinal)).ToList();

    /// <summary>Cgroup directories of the root's containers, in every hierarchy.</summary>
    public IReadOnlyList<string> Cgroups() =>
        Directory.EnumerateDirectories("/sys/fs/cgroup")
            .Select(h => Path.Combine(h, CgroupParent))
            .Where(Directory.Exists)
            .SelectMany(Directory.EnumerateDirectories)
            .ToList();

    /// <summary>Host-side interfaces attached to the root's bridges.</summary>
    public IReadOnlyList<string> Veths()
    {
        var networks = Path.Combine(root, "networks");
        if (!Directory.Exists(networks))
        {
            return [];
        }

        return Directory.EnumerateFiles(networks, "*.json")
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.TryGetProperty("bridge", out var b) ? b.GetString() : null)
            .OfType<string>()
            .Select(b => $"/sys/class/net/{b}/brif")
            .Where(Directory.Exists)
            .SelectMany(Directory.EnumerateFileSystemEntries)
            .Select(Path.GetFileName)
            .OfType<string>()
            .ToList();
    }

    /// <summary>Addresses the root's firewall table forwards published ports to (its DNAT rules); empty without a table.</summary>
    public async Task<IReadOnlyList<string>> DnatTargetsAsync()
    {
        var listed = await ExternalTool.RunAsync("nft", ["list", "table", "ip", "dotnet_containers_" + RootHash]);
        return listed.ExitCode != 0 ? [] : DnatTarget().Matches(listed.Stdout).Select(m => m.Groups[1].Value).ToList();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"dnat (?:ip )?to (\d+\.\d+\.\d+\.\d+)")]
    private static partial System.Text.RegularExpressions.Regex DnatTarget();

    /// <summary>Processes of the root: its monitors (their command line names the root) and anything in its cgroups.</summary>
    public IReadOnlyList<string> Processes()
    {
        var found = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                var inCgroup = File.ReadAllText(Path.Combine(directory, "cgroup")).Contains(CgroupParent + "/", StringComparison.Ordinal);
                var isZombie = File.ReadAllText(Path.Combine(directory, "stat")).Split(") ")[^1].StartsWith('Z');
                if (!isZombie && (inCgroup || (commandLine.Contains(root + "/", StringComparison.Ordinal) && !commandLine.StartsWith(CliRunner.ProgramPath + " ", StringComparison.Ordinal))))
                {
                    found.Add($"{pid}: {commandLine.Trim()}");
                }
            }
            catch (IOException)
            {
                // Exited while being read.
            }
        }

        return found;
    }

    /// <summary>Container directories in the store.</summary>
    public IReadOnlyList<string> ContainerDirectories() =>
        Directory.Exists(Path.Combine(root, "containers"))
            ? Directory.EnumerateDirectories(Path.Combine(root, "containers")).Select(Path.GetFileName).OfType<string>().ToList()
            : [];

    /// <summary>Starts the program as a real process, its output collected.</summary>
    public Process Start(params string[] args) => Process.Start(StartInfo(input: false, args))!;

    /// <summary>Starts the program as a real process that reads the file <paramref name="input"/> on standard input (closed at its end).</summary>
    public Process StartWithInput(string input, params string[] args)
    {
        var process = Process.Start(StartInfo(input: true, args))!;
        _ = Task.Run(async () =>
        {
            try
            {
                await using (var file = File.OpenRead(input))
                {
                    await file.CopyToAsync(process.StandardInput.BaseStream);
                }

                process.StandardInput.Close();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // Killed before it read everything: the pipe is broken.
            }
        });
        return process;
    }

    private ProcessStartInfo StartInfo(bool input, string[] args)
    {
        var start = new ProcessStartInfo(CliRunner.ProgramPath) { RedirectStandardInput = input, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--root", root }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <summary>Runs the program to completion; fails the test with the command line when it takes longer than <see cref="CommandBound"/>.</summary>
    public async Task<ToolResult> RunAsync(params string[] args)
    {
        try
        {
            return await ExternalTool.RunAsync(CliRunner.ProgramPath, ["--root", root, .. args], timeout: CommandBound);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"'containers {string.Join(' ', args)}' did not finish within {CommandBound.TotalSeconds} s (a hang). Processes of the root: {string.Join("; ", Processes())}");
        }
    }

    /// <summary>Waits (bounded) until the root holds no mount, cgroup, veth or process; returns what is left.</summary>
    public async Task<string> LeftoversAfterAsync(TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            var left = string.Join("\n", Mounts().Select(m => "mount " + m)
                .Concat(Cgroups().Select(c => "cgroup " + c))
                .Concat(Veths().Select(v => "veth " + v))
                .Concat(Processes().Select(p => "process " + p)));
            if (left.Length == 0 || DateTime.UtcNow > deadline)
            {
                return left;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILLs a process of the program as soon as it has a child (the fork that becomes a container or its monitor), or when it exits first.</summary>
    public static async Task<bool> KillAtFirstChildAsync(Process process, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (!process.HasExited && DateTime.UtcNow < deadline)
        {
            if (HasChild(process.Id))
            {
                Kill(process.Id, 19); // SIGSTOP first: it freezes the window being probed, then SIGKILL
                process.Kill();
                await process.WaitForExitAsync();
                return true;
            }

            await Task.Yield();
        }

        return false;
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill")]
    public static partial int Kill(int pid, int signal);

    private static bool HasChild(int pid)
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{pid}/task").Any(t => File.ReadAllText(Path.Combine(t, "children")).Trim().Length > 0);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
