using System.Text.Json;
using Containers.Testing;

namespace Containers.Cli.Tests;

/// <summary>
/// podman (and podman-compose) on a private store, run root and network configuration inside a scratch directory, so
/// tests never touch the host's podman state; <see cref="ResetAsync"/> removes what podman made there.
/// </summary>
internal sealed class PodmanScratch : IDisposable
{
    private readonly TempDirectory _scratch = TempDirectory.ShortPath("podman"); // podman limits the runroot path to 50 characters
    private readonly string _wrapper;

    public PodmanScratch()
    {
        Directory.CreateDirectory(Combine("networks"));
        _wrapper = Combine("podman.sh");

        // podman-compose runs plain "podman ...": a wrapper adds the scratch options to every call it makes.
        File.WriteAllText(_wrapper, $"#!/bin/sh\nexec {ExternalTool.Require("podman")} {string.Join(' ', Isolated())} \"$@\"\n");
        File.SetUnixFileMode(_wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Combine(params string[] parts) => _scratch.Combine(parts);

    private string[] Isolated() =>
    [
        "--root", Combine("root"), "--runroot", Combine("run"), "--storage-driver", "vfs", "--events-backend", "none",
        "--tmpdir", Combine("tmp"), "--network-config-dir", Combine("networks"), "--cgroup-manager", "cgroupfs",
    ];

    public Task<string> RunAsync(params string[] arguments) => ExternalTool.RunCheckedAsync(_wrapper, arguments);

    /// <summary>Runs podman-compose on a file as project <paramref name="project"/>.</summary>
    public Task<ToolResult> ComposeAsync(string file, string project, params string[] arguments) =>
        ExternalTool.RunAsync(ExternalTool.Require("podman-compose"), ["--podman-path", _wrapper, "-f", file, "-p", project, .. arguments], timeout: TimeSpan.FromMinutes(4));

    /// <summary>
    /// Waits (bounded) until the project's containers settle and returns each service's state as <c>exited CODE</c> or
    /// <c>running HEALTH</c>; health checks are run by hand, as podman's missing systemd timer would.
    /// </summary>
    public async Task<Dictionary<string, string>> ServiceStatesAsync(string project, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            var states = new Dictionary<string, string>();
            foreach (var line in (await RunAsync("ps", "-a", "--filter", $"label=com.docker.compose.project={project}", "--format", "{{.Names}}")).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var service = (await RunAsync("inspect", "--format", "{{index .Config.Labels \"com.docker.compose.service\"}}", line)).Trim();
                var state = JsonDocument.Parse(await RunAsync("inspect", "--format", "{{json .State}}", line)).RootElement;
                var status = state.GetProperty("Status").GetString()!;
                if (status == "running" && (await ExternalTool.RunAsync(_wrapper, ["healthcheck", "run", line])).ExitCode == 0)
                {
                    state = JsonDocument.Parse(await RunAsync("inspect", "--format", "{{json .State}}", line)).RootElement;
                }

                var health = state.TryGetProperty("Health", out var h) && h.ValueKind == JsonValueKind.Object ? h.GetProperty("Status").GetString() : null;
                states[service] = status == "exited" ? $"exited {state.GetProperty("ExitCode").GetInt32()}" : $"{status} {(string.IsNullOrEmpty(health) ? "none" : health)}";
            }

            if ((states.Count == 3 && states.Values.All(s => s is "exited 0" or "running healthy")) || DateTime.UtcNow > deadline)
            {
                return states;
            }

            await Task.Delay(1000);
        }
    }

    /// <summary>Gets the host port podman published for a service's container port.</summary>
    public async Task<int> HostPortAsync(string project, string service, int containerPort)
    {
        var output = await RunAsync("port", $"{project}_{service}_1", $"{containerPort}/tcp");
        return int.Parse(output.Trim().Split('\n')[0].Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Removes every container, pod, network and volume podman made in the scratch store.</summary>
    public async Task ResetAsync()
    {
        await ExternalTool.RunAsync(_wrapper, ["rm", "-a", "-f", "-t", "1"]);
        foreach (var network in (await ExternalTool.RunAsync(_wrapper, ["network", "ls", "-q"])).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(n => n != "podman"))
        {
            await ExternalTool.RunAsync(_wrapper, ["network", "rm", "-f", network]);
        }

        await ExternalTool.RunAsync(_wrapper, ["system", "reset", "--force"]);
    }

    public void Dispose() => _scratch.Dispose();
}
