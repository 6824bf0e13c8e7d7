using System.Globalization;
using System.Text.Json;
using Containers.Internal;
using Containers.Oci;

namespace Containers.Build;

/// <summary>Planning each instruction: expanding its variables and working out its effect on the image configuration.</summary>
internal sealed partial class BuildSession
{
    private Task<StepPlan> PlanAsync(DockerfileStage stage, StageState state, Instruction instruction, CancellationToken cancellationToken)
    {
        string Word(string raw) => Expand(instruction, raw, state.Lookup);
        List<string> Words(string raw) => ExpandWords(instruction, raw, state.Lookup);
        return instruction switch
        {
            RunInstruction run => Task.FromResult(PlanRun(state, run)),
            CopyInstruction copy => PlanCopyAsync(stage, state, copy, cancellationToken),
            EnvInstruction env => Task.FromResult(PlanEnv(env, Word)),
            LabelInstruction label => Task.FromResult(PlanLabel(label, Word)),
            ArgInstruction arg => Task.FromResult(PlanArg(state, arg, Word)),
            WorkdirInstruction workdir => Task.FromResult(PlanWorkdir(state, Word(workdir.Path))),
            UserInstruction user => Task.FromResult(Metadata("USER " + Word(user.User), c => c with { User = Word(user.User) })),
            ExposeInstruction expose => Task.FromResult(PlanExpose(expose, expose.Ports.SelectMany(Words).ToList())),
            VolumeInstruction volume => Task.FromResult(PlanVolume(volume, volume.IsJson ? volume.Paths.Select(Word).ToList() : volume.Paths.SelectMany(Words).ToList())),
            StopSignalInstruction signal => Task.FromResult(Metadata("STOPSIGNAL " + Word(signal.Signal), c => c with { StopSignal = Word(signal.Signal) })),
            CmdInstruction cmd => Task.FromResult(Metadata("CMD " + Json(cmd.Command.ToArguments(state.Shell)), c => c with { Cmd = cmd.Command.ToArguments(state.Shell) })),
            EntrypointInstruction entrypoint => Task.FromResult(Metadata("ENTRYPOINT " + Json(entrypoint.Command.ToArguments(state.Shell)),
                c => c with { Entrypoint = entrypoint.Command.ToArguments(state.Shell), Cmd = state.CmdSet ? c.Cmd : null })),
            ShellInstruction shell => Task.FromResult(Metadata("SHELL " + Json(shell.Shell), c => c with { Shell = shell.Shell })),
            HealthcheckInstruction health => Task.FromResult(PlanHealthcheck(health)),
            OnbuildInstruction onbuild => Task.FromResult(Metadata("ONBUILD " + onbuild.Trigger, c => c with { OnBuild = [.. c.OnBuild ?? [], onbuild.Trigger] })),
            MaintainerInstruction maintainer => Task.FromResult(Metadata("MAINTAINER " + maintainer.Name, c => c) with { Author = maintainer.Name }),
            _ => throw new DockerfileSyntaxException(_dockerfile.FileName, instruction.Line, instruction.Keyword, "this instruction is not valid here"),
        };
    }

    private static StepPlan Metadata(string key, Func<ContainerConfiguration, ContainerConfiguration> configure) => StepPlan.Metadata(key, configure);

    private static string Json(IReadOnlyList<string> values) => JsonSerializer.Serialize(values, BuildJsonContext.Default.IReadOnlyListString);

    private static StepPlan PlanEnv(EnvInstruction env, Func<string, string> word)
    {
        // Every value is expanded with the environment as it was before this instruction, as Docker does.
        var pairs = env.Pairs.Select(p => (Key: word(p.Key), Value: word(p.Value))).ToList();
        return Metadata("ENV " + string.Join(' ', pairs.Select(p => p.Key + "=" + p.Value)), c =>
        {
            var list = new List<string>(c.Env ?? []);
            foreach (var (key, value) in pairs)
            {
                var index = list.FindIndex(e => e == key || e.StartsWith(key + "=", StringComparison.Ordinal));
                if (index >= 0)
                {
                    list[index] = key + "=" + value;
                }
                else
                {
                    list.Add(key + "=" + value);
                }
            }

            return c with { Env = list };
        });
    }

    private static StepPlan PlanLabel(LabelInstruction label, Func<string, string> word)
    {
        var pairs = label.Pairs.Select(p => (Key: word(p.Key), Value: word(p.Value))).ToList();
        return Metadata("LABEL " + string.Join(' ', pairs.Select(p => p.Key + "=" + p.Value)), c =>
        {
            var labels = new Dictionary<string, string>(c.Labels ?? new Dictionary<string, string>());
            foreach (var (key, value) in pairs)
            {
                labels[key] = value;
            }

            return c with { Labels = labels };
        });
    }

    private StepPlan PlanArg(StageState state, ArgInstruction arg, Func<string, string> word)
    {
        var args = new Dictionary<string, string?>(state.Args);
        foreach (var definition in arg.Arguments)
        {
            // A build argument wins; else the default here; else the value of a global ARG of that name.
            args[definition.Name] = _options.BuildArgs.TryGetValue(definition.Name, out var given) ? given
                : definition.Default is { } value ? word(value)
                : _globalArgs.GetValueOrDefault(definition.Name);
        }

        return Metadata("ARG " + string.Join(' ', arg.Arguments.Select(a => a.Name + "=" + args[a.Name])), c => c) with { Args = args };
    }

    private static StepPlan PlanWorkdir(StageState state, string path)
    {
        var combined = path.StartsWith('/') ? path : (state.Config.WorkingDir is { Length: > 0 } current ? current : "/") + "/" + path;
        var clean = "/" + LexicalPath.Clean(combined);
        return Metadata("WORKDIR " + clean, c => c with { WorkingDir = clean });
    }

    private StepPlan PlanExpose(ExposeInstruction expose, List<string> ports)
    {
        var keys = new List<string>();
        foreach (var port in ports)
        {
            var slash = port.IndexOf('/', StringComparison.Ordinal);
            var number = slash < 0 ? port : port[..slash];
            var protocol = slash < 0 ? "tcp" : port[(slash + 1)..].ToLowerInvariant();
            var range = number.Split('-');
            if (protocol is not ("tcp" or "udp" or "sctp") || range.Length > 2
                || !range.All(r => ushort.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                throw new DockerfileSyntaxException(_dockerfile.FileName, expose.Line, expose.Keyword, $"invalid port '{port}': give PORT, PORT/tcp, PORT/udp or START-END/PROTOCOL");
            }

            var start = int.Parse(range[0], CultureInfo.InvariantCulture);
            var end = range.Length == 2 ? int.Parse(range[1], CultureInfo.InvariantCulture) : start;
            for (var p = start; p <= end; p++)
            {
                keys.Add(p.ToString(CultureInfo.InvariantCulture) + "/" + protocol);
            }
        }

        return Metadata("EXPOSE " + string.Join(' ', keys), c =>
        {
            var exposed = new Dictionary<string, EmptyObject>(c.ExposedPorts ?? new Dictionary<string, EmptyObject>());
            foreach (var key in keys)
            {
                exposed[key] = new EmptyObject();
            }

            return c with { ExposedPorts = exposed };
        });
    }

    private StepPlan PlanVolume(VolumeInstruction volume, List<string> paths)
    {
        if (paths.Any(p => p.Length == 0))
        {
            throw new DockerfileSyntaxException(_dockerfile.FileName, volume.Line, volume.Keyword, "a volume path is empty");
        }

        return Metadata("VOLUME " + Json(paths), c =>
        {
            var volumes = new Dictionary<string, EmptyObject>(c.Volumes ?? new Dictionary<string, EmptyObject>());
            foreach (var path in paths)
            {
                volumes[path] = new EmptyObject();
            }

            return c with { Volumes = volumes };
        });
    }

    private static StepPlan PlanHealthcheck(HealthcheckInstruction health)
    {
        var check = health.Command is null
            ? new HealthCheck { Test = ["NONE"] }
            : new HealthCheck
            {
                Test = health.Command.IsExec ? ["CMD", .. health.Command.Arguments] : ["CMD-SHELL", health.Command.ShellText],
                Interval = health.Interval == 0 ? null : health.Interval,
                Timeout = health.Timeout == 0 ? null : health.Timeout,
                StartPeriod = health.StartPeriod == 0 ? null : health.StartPeriod,
                StartInterval = health.StartInterval == 0 ? null : health.StartInterval,
                Retries = health.Retries == 0 ? null : health.Retries,
            };
        return Metadata("HEALTHCHECK " + health.Text, c => c with { Healthcheck = check });
    }
}
