using System.Text.Json;
using Containers;
using Containers.Containers;
using Containers.Linux.Cgroups;
using Containers.Linux.Runtime.Oci;
using Containers.Runtime;

return await RuntimeProgram.RunAsync(args, Console.Out, Console.Error);

namespace Containers.Runtime
{
    /// <summary>
    /// <c>containers-runtime</c>: the OCI runtime command line (create, start, state, kill, delete, run) over the
    /// Containers for .NET Linux runtime, with runc's flags, messages and exit codes, so podman and conmon can drive it.
    /// </summary>
    internal static class RuntimeProgram
    {
        private const string Version = "0.1.0";
        private const string SpecVersion = "1.2.0";

        private static readonly string[] GlobalValued = ["root", "log", "log-format", "criu", "rootless"];
        private static readonly string[] GlobalSwitches = ["debug", "systemd-cgroup", "version", "v", "help", "h"];

        public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
        {
            var log = new RuntimeLog(error, null, "text");
            try
            {
                var globals = CommandLine.Parse(args, 0, GlobalValued, GlobalSwitches, stopAtArgument: true, out var next);
                log = new RuntimeLog(error, globals.Value("log"), globals.Value("log-format") ?? "text");
                if (globals.Switch("version", "v"))
                {
                    await output.WriteLineAsync($"containers-runtime version {Version}\nspec: {SpecVersion}");
                    return 0;
                }

                if (next >= args.Length || globals.Switch("help", "h"))
                {
                    await output.WriteLineAsync("usage: containers-runtime [--root DIR] [--log FILE] [--log-format text|json] create|start|state|kill|delete|run|exec|pause|resume|ps|update|events|list|features ...");
                    return next >= args.Length && !globals.Switch("help", "h") ? 1 : 0;
                }

                if (globals.Switch("systemd-cgroup"))
                {
                    throw new OciRuntimeException("--systemd-cgroup is not supported: containers-runtime manages cgroupfs paths only; use the cgroupfs cgroup manager (podman --cgroup-manager cgroupfs)");
                }

                var runtime = new BundleRuntime(globals.Value("root") ?? BundleRuntime.DefaultRoot, CgroupDetector.Detect());
                var command = args[next];
                return await RunCommandAsync(runtime, command, args, next + 1, output);
            }
            catch (UsageException e)
            {
                log.Error($"Incorrect Usage: {e.Message}");
                return 1;
            }
            catch (ContainersException e)
            {
                log.Error(e.Message);
                return 1;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.Error(e.Message);
                return 1;
            }
        }

        private static async Task<int> RunCommandAsync(BundleRuntime runtime, string command, string[] args, int start, TextWriter output)
        {
            switch (command)
            {
                case "create":
                {
                    var line = Parse(args, start, command, 1, ["bundle", "b", "pid-file", "console-socket", "preserve-fds", "pidfd-socket"], ["no-pivot", "no-new-keyring"]);
                    RefusePreservedFds(line);
                    await runtime.CreateAsync(line.Arguments[0], line.Value("bundle", "b") ?? ".", CreateOptions(line));
                    return 0;
                }

                case "run":
                {
                    var line = Parse(args, start, command, 1, ["bundle", "b", "pid-file", "console-socket", "preserve-fds", "pidfd-socket"], ["no-pivot", "no-new-keyring", "detach", "d", "keep"]);
                    RefusePreservedFds(line);
                    return await runtime.RunAsync(line.Arguments[0], line.Value("bundle", "b") ?? ".", CreateOptions(line), line.Switch("detach", "d"));
                }

                case "exec":
                {
                    var line = CommandLine.Parse(args, start, ["process", "p", "pid-file", "console-socket", "preserve-fds", "pidfd-socket", "cwd", "user", "u", "env", "e", "process-label", "apparmor", "cap", "c", "cgroup"], ["detach", "d", "tty", "t", "no-new-privs", "ignore-paused", "no-subreaper"], stopAtArgument: false, out _);
                    RefusePreservedFds(line);
                    if (line.Value("process", "p") is not { } processFile || line.Arguments.Count != 1)
                    {
                        throw new UsageException("\"exec\" needs --process FILE and exactly one container ID (inline commands are not supported)");
                    }

                    return await runtime.ExecAsync(line.Arguments[0], processFile, CreateOptions(line), line.Switch("detach", "d"));
                }

                case "start":
                    runtime.Start(Parse(args, start, command, 1, [], []).Arguments[0]);
                    return 0;

                case "state":
                {
                    var state = runtime.State(Parse(args, start, command, 1, [], []).Arguments[0]);
                    await output.WriteLineAsync(JsonSerializer.Serialize(state, OciStateJsonContext.Default.OciStateOutput));
                    return 0;
                }

                case "kill":
                {
                    var line = CommandLine.Parse(args, start, [], ["all", "a"], stopAtArgument: false, out _);
                    if (line.Arguments.Count is < 1 or > 2)
                    {
                        throw new UsageException("\"kill\" requires a minimum of 1 and a maximum of 2 arguments");
                    }

                    var signal = line.Arguments.Count == 2 ? ParseSignal(line.Arguments[1]) : Signals.Term;
                    runtime.Kill(line.Arguments[0], signal, line.Switch("all", "a"));
                    return 0;
                }

                case "delete":
                {
                    var line = Parse(args, start, command, 1, [], ["force", "f"]);
                    await runtime.DeleteAsync(line.Arguments[0], line.Switch("force", "f"));
                    return 0;
                }

                case "pause" or "resume" or "ps":
                    return await RuntimeCommands.RunAsync(runtime, command, args, start, output);

                case "update":
                    return await UpdateCommand.RunAsync(runtime, args, start, Console.In, Console.Error);

                case "events":
                    return await EventsCommand.RunAsync(runtime, args, start, output);

                case "list":
                    return await ListCommand.RunAsync(runtime, args, start, output, Console.Error);

                case "features":
                    Parse(args, start, command, 0, [], []);
                    await output.WriteLineAsync(JsonSerializer.Serialize(new OciFeatures(), OciStateJsonContext.Default.OciFeatures));
                    return 0;

                default:
                    throw new UsageException($"No help topic for '{command}'");
            }
        }

        private static CommandLine Parse(string[] args, int start, string command, int count, string[] valued, string[] switches)
        {
            var line = CommandLine.Parse(args, start, valued, switches, stopAtArgument: false, out _);
            if (line.Arguments.Count != count)
            {
                throw new UsageException($"\"{command}\" requires exactly {count} argument(s)");
            }

            return line;
        }

        private static BundleCreateOptions CreateOptions(CommandLine line) =>
            new() { PidFile = line.Value("pid-file"), ConsoleSocket = line.Value("console-socket") };

        private static void RefusePreservedFds(CommandLine line)
        {
            if (line.Value("preserve-fds") is { } count && count != "0")
            {
                throw new OciRuntimeException("--preserve-fds is not supported by containers-runtime yet");
            }
        }

        private static int ParseSignal(string text)
        {
            try
            {
                return Signals.Parse(text);
            }
            catch (InvalidContainerConfigurationException)
            {
                throw new OciRuntimeException($"unknown signal \"{text}\"");
            }
        }
    }
}
