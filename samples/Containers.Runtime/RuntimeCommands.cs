using System.Globalization;
using Containers.Linux.Runtime.Oci;

namespace Containers.Runtime;

/// <summary>runc's <c>pause</c>, <c>resume</c> and <c>ps</c> commands (podman pause/unpause use the first two).</summary>
internal static class RuntimeCommands
{
    public static async Task<int> RunAsync(BundleRuntime runtime, string command, string[] args, int start, TextWriter output)
    {
        var line = CommandLine.Parse(args, start, command == "ps" ? ["format", "f"] : [], [], stopAtArgument: false, out _);
        if (line.Arguments.Count != 1)
        {
            throw new UsageException($"\"{command}\" requires exactly 1 argument(s)");
        }

        var id = line.Arguments[0];
        switch (command)
        {
            case "pause":
                await runtime.PauseAsync(id);
                return 0;
            case "resume":
                await runtime.ResumeAsync(id);
                return 0;
            default:
                var pids = runtime.Processes(id);
                if ((line.Value("format", "f") ?? "table") == "json")
                {
                    await output.WriteLineAsync("[" + string.Join(",", pids.Select(p => p.ToString(CultureInfo.InvariantCulture))) + "]");
                }
                else
                {
                    await output.WriteLineAsync("PID");
                    foreach (var pid in pids)
                    {
                        await output.WriteLineAsync(pid.ToString(CultureInfo.InvariantCulture));
                    }
                }

                return 0;
        }
    }
}
