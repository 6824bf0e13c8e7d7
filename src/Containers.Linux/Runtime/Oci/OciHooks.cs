using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Containers.Linux.Runtime.Oci;

/// <summary>One hook of config.json: the program (in the namespace the hook kind names), its argv, environment and time limit.</summary>
internal sealed record OciHook(string Path, IReadOnlyList<string> Args, IReadOnlyList<string> Env, int? Timeout);

/// <summary>
/// The hooks of a bundle's config.json, per lifecycle point. createRuntime, prestart, poststart and poststop run here,
/// in the runtime's namespaces; createContainer and startContainer run from the container's first process, in its
/// namespaces (the spawn plan carries them).
/// </summary>
internal sealed record OciHooks
{
    public IReadOnlyList<OciHook> Prestart { get; init; } = [];

    public IReadOnlyList<OciHook> CreateRuntime { get; init; } = [];

    public IReadOnlyList<OciHook> CreateContainer { get; init; } = [];

    public IReadOnlyList<OciHook> StartContainer { get; init; } = [];

    public IReadOnlyList<OciHook> Poststart { get; init; } = [];

    public IReadOnlyList<OciHook> Poststop { get; init; } = [];

    /// <summary>Gets whether the container's first process must pause for the runtime or run hooks itself.</summary>
    public bool NeedsChildSteps => Prestart.Count + CreateRuntime.Count + CreateContainer.Count + StartContainer.Count > 0;

    /// <summary>Reads the <c>hooks</c> object of config.json (absent: no hooks).</summary>
    public static OciHooks Load(string configPath)
    {
        JsonNode? hooks;
        try
        {
            hooks = JsonNode.Parse(File.ReadAllBytes(configPath))?["hooks"];
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return new OciHooks();
        }

        if (hooks is not JsonObject)
        {
            return new OciHooks();
        }

        return new OciHooks
        {
            Prestart = Read(hooks, "prestart"),
            CreateRuntime = Read(hooks, "createRuntime"),
            CreateContainer = Read(hooks, "createContainer"),
            StartContainer = Read(hooks, "startContainer"),
            Poststart = Read(hooks, "poststart"),
            Poststop = Read(hooks, "poststop"),
        };
    }

    private static List<OciHook> Read(JsonNode hooks, string kind)
    {
        var list = new List<OciHook>();
        if (hooks[kind] is not JsonArray array)
        {
            return list;
        }

        foreach (var item in array)
        {
            var path = item?["path"]?.GetValue<string>();
            if (string.IsNullOrEmpty(path) || !System.IO.Path.IsPathRooted(path))
            {
                throw new OciRuntimeException($"hooks.{kind}: path must be an absolute path, got \"{path}\"");
            }

            var timeout = item?["timeout"]?.GetValue<int>();
            if (timeout is <= 0)
            {
                throw new OciRuntimeException($"hooks.{kind}: timeout must be positive, got {timeout}");
            }

            list.Add(new OciHook(
                path,
                item?["args"] is JsonArray args ? [.. args.Select(a => a!.GetValue<string>())] : [path],
                item?["env"] is JsonArray env ? [.. env.Select(e => e!.GetValue<string>())] : [],
                timeout));
        }

        return list;
    }

    /// <summary>Runs hooks in order with the state JSON on their stdin; throws for the first that fails or times out.</summary>
    public static void Run(IReadOnlyList<OciHook> hooks, string kind, byte[] state)
    {
        for (var i = 0; i < hooks.Count; i++)
        {
            var hook = hooks[i];
            var start = new ProcessStartInfo(hook.Path)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in hook.Args.Skip(1))
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment.Clear();
            foreach (var entry in hook.Env)
            {
                var equals = entry.IndexOf('=', StringComparison.Ordinal);
                start.Environment[equals < 0 ? entry : entry[..equals]] = equals < 0 ? string.Empty : entry[(equals + 1)..];
            }

            using var process = StartOrThrow(start, kind, i);
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            try
            {
                process.StandardInput.BaseStream.Write(state);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // A hook need not read its stdin.
            }

            if (!process.WaitForExit(hook.Timeout is { } seconds ? seconds * 1000 : Timeout.Infinite))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new OciRuntimeException($"error running {kind} hook #{i} ({hook.Path}): timeout after {hook.Timeout}s");
            }

            if (process.ExitCode != 0)
            {
                throw new OciRuntimeException($"error running {kind} hook #{i} ({hook.Path}): exit status {process.ExitCode}, stdout: {output.Result.Trim()}, stderr: {error.Result.Trim()}");
            }
        }
    }

    private static Process StartOrThrow(ProcessStartInfo start, string kind, int index)
    {
        try
        {
            return Process.Start(start) ?? throw new OciRuntimeException($"error running {kind} hook #{index} ({start.FileName}): it did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new OciRuntimeException($"error running {kind} hook #{index} ({start.FileName}): {e.Message}");
        }
    }

    /// <summary>Runs hooks whose failure the specification makes a warning (poststart, poststop): logs and goes on.</summary>
    public static void RunWarning(IReadOnlyList<OciHook> hooks, string kind, byte[] state)
    {
        try
        {
            Run(hooks, kind, state);
        }
        catch (OciRuntimeException e)
        {
            Console.Error.WriteLine($"level=warning msg=\"{e.Message}\"");
        }
    }
}
