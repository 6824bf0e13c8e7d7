using System.Globalization;
using Containers.Cli.Cli;
using Containers.Compose;
using Containers.Containers;

namespace Containers.Cli.Commands;

/// <summary>
/// <c>containers compose [-f FILE] [-p NAME] COMMAND</c>: Compose projects, as <c>docker compose</c>. The project-wide
/// flags come before the subcommand, whose own flags follow it.
/// </summary>
internal static class ComposeCommands
{
    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        new("compose", "Define and run multi-container applications (Compose files)", "COMMAND",
            [
                OptionSpec.Value("file", 'f', "stringArray", "Compose configuration files"),
                OptionSpec.Value("project-name", 'p', "string", "Project name"),
                OptionSpec.Value("project-directory", null, "string", "Working directory (default: the first file's directory)"),
                OptionSpec.Value("env-file", null, "stringArray", "Alternate environment files"),
                OptionSpec.Value("profile", null, "stringArray", "Profiles to enable"),
            ], DispatchAsync, FlagsStopAtFirstArgument: true),
    ];

    /// <summary>The subcommands, each parsed with its own flags after the project-wide ones.</summary>
    private static readonly IReadOnlyList<CommandSpec> Subcommands =
    [
        new("compose up", "Create and start containers", "[SERVICE...]",
            [
                OptionSpec.Flag("detach", 'd', "Detached mode: run containers in the background"),
                OptionSpec.Flag("build", null, "Build images before starting containers"),
                OptionSpec.Flag("wait", null, "Wait for services to be running|healthy (one-shot jobs: completed); implies detached mode"),
                OptionSpec.Value("wait-timeout", null, "int", "Maximum duration in seconds to wait for the project to be running|healthy"),
                OptionSpec.Value("scale", null, "SERVICE=NUM", "Scale SERVICE to NUM instances"),
                OptionSpec.Flag("force-recreate", null, "Recreate containers even if their configuration hasn't changed"),
            ], UpAsync),
        new("compose down", "Stop and remove containers, networks", "",
            [OptionSpec.Flag("volumes", 'v', "Remove named volumes declared in the volumes section and anonymous volumes"), OptionSpec.Value("timeout", 't', "int", "Shutdown timeout in seconds")],
            DownAsync),
        new("compose ps", "List containers", "[SERVICE...]",
            [OptionSpec.Flag("all", 'a', "Show all stopped containers (including those created by the run command)"), OptionSpec.Flag("quiet", 'q', "Only display IDs"), OptionSpec.Value("format", null, "string", "Format output using a Go template ({{.Service}} {{.State}}) or json")],
            PsAsync),
        new("compose logs", "View output from containers", "[SERVICE...]",
            [OptionSpec.Flag("follow", 'f', "Follow log output"), OptionSpec.Value("tail", 'n', "string", "Number of lines to show from the end of the logs for each container"), OptionSpec.Flag("no-log-prefix", null, "Don't print prefix in logs")],
            LogsAsync),
        new("compose exec", "Execute a command in a running container", "SERVICE COMMAND [ARGS...]",
            [
                OptionSpec.Flag("detach", 'd', "Detached mode: run command in the background"),
                OptionSpec.Value("env", 'e', "stringArray", "Set environment variables"),
                OptionSpec.Value("user", 'u', "string", "Run the command as this user"),
                OptionSpec.Value("workdir", 'w', "string", "Path to workdir directory for this command"),
                OptionSpec.Value("index", null, "int", "Index of the container if service has multiple replicas"),
                OptionSpec.Flag("interactive", 'i', "Keep STDIN open"),
                OptionSpec.Flag("no-TTY", 'T', "Disable pseudo-TTY allocation (there is none)"),
            ], ExecAsync, FlagsStopAtFirstArgument: true),
        new("compose run", "Run a one-off command on a service", "SERVICE [COMMAND] [ARGS...]",
            [
                OptionSpec.Flag("rm", null, "Automatically remove the container when it exits"),
                OptionSpec.Flag("detach", 'd', "Run container in background and print container ID"),
                OptionSpec.Value("env", 'e', "stringArray", "Set environment variables"),
                OptionSpec.Value("user", 'u', "string", "Run as specified username or uid"),
                OptionSpec.Value("entrypoint", null, "string", "Override the entrypoint of the image"),
                OptionSpec.Flag("no-deps", null, "Don't start linked services"),
                OptionSpec.Flag("service-ports", null, "Run command with the service's ports enabled and mapped to the host"),
                OptionSpec.Flag("no-TTY", 'T', "Disable pseudo-TTY allocation (there is none)"),
            ], RunAsync, FlagsStopAtFirstArgument: true),
        new("compose stop", "Stop services", "[SERVICE...]", [OptionSpec.Value("timeout", 't', "int", "Specify a shutdown timeout in seconds")], StopAsync),
        new("compose start", "Start services", "[SERVICE...]", [], StartAsync),
        new("compose restart", "Restart service containers", "[SERVICE...]", [OptionSpec.Value("timeout", 't', "int", "Specify a shutdown timeout in seconds")], RestartAsync),
        new("compose config", "Parse, resolve and render compose file in canonical format", "",
            [OptionSpec.Flag("quiet", 'q', "Only validate the configuration, don't print anything"), OptionSpec.Flag("services", null, "Print the service names, one per line"), OptionSpec.Flag("volumes", null, "Print the volume names, one per line")],
            ConfigAsync),
    ];

    /// <summary>The project-wide flags of the current invocation, for the subcommand handlers.</summary>
    private static readonly AsyncLocal<ParsedArguments?> ProjectFlags = new();

    private static async Task<int> DispatchAsync(CommandContext context)
    {
        if (context.Args.Positionals.Count == 0)
        {
            PrintHelp(context.Out);
            return 0;
        }

        var name = context.Args.Positionals[0];
        var command = Subcommands.FirstOrDefault(c => c.Path == "compose " + name)
            ?? throw new UsageException($"'{name}' is not a compose command. See 'containers compose --help'");
        var rest = context.Args.Positionals.Skip(1).ToList();
        if (rest.Count > 0 && rest[0] is "--help" or "-h")
        {
            HelpPrinter.PrintCommand(context.Out, command);
            return 0;
        }

        var parsed = ArgumentParser.Parse(command, rest);
        ProjectFlags.Value = context.Args;
        await using var inner = new CommandContext(parsed, context.Global, context.Out, context.Error, context.CancellationToken);
        return await command.Handler(inner);
    }

    private static void PrintHelp(TextWriter output)
    {
        HelpPrinter.PrintCommand(output, All[0]);
        output.WriteLine();
        output.WriteLine("Commands:");
        foreach (var command in Subcommands)
        {
            output.WriteLine($"  {command.Path["compose ".Length..],-10} {command.Summary}");
        }
    }

    private static ComposeProject LoadProject(CommandContext context, IReadOnlyDictionary<string, int>? scale = null)
    {
        var flags = ProjectFlags.Value!;
        return ComposeLoader.Load(new ComposeLoadOptions
        {
            Files = flags.Values("file"),
            ProjectName = flags.Value("project-name"),
            ProjectDirectory = flags.Value("project-directory"),
            EnvFiles = flags.Values("env-file"),
            Profiles = flags.Values("profile"),
            Scale = scale ?? new Dictionary<string, int>(),
        });
    }

    /// <summary>The project name for commands that need only the labels (<c>down</c>, <c>ps</c>, <c>logs</c>): <c>-p</c> works without a file.</summary>
    private static string ProjectName(CommandContext context)
    {
        var flags = ProjectFlags.Value!;
        if (flags.Value("project-name") is { } name && flags.Values("file").Count == 0)
        {
            try
            {
                return LoadProject(context).Name;
            }
            catch (ComposeFileException e) when (e.Kind == ComposeErrorKind.MissingReference && e.Key == "-f")
            {
                return ComposeLoader.NormalizeProjectName(name);
            }
        }

        return LoadProject(context).Name;
    }

    private static ComposeOrchestrator Orchestrator(CommandContext context) => new(context.Engine);

    private static TimeSpan? Timeout(CommandContext context) => context.Args.Int("timeout") is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    private static async Task<int> UpAsync(CommandContext context)
    {
        var scale = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var value in context.Args.Values("scale"))
        {
            var eq = value.IndexOf('=', StringComparison.Ordinal);
            scale[eq > 0 ? value[..eq] : throw new UsageException($"invalid --scale {value}: use SERVICE=NUM")] =
                int.TryParse(value[(eq + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new UsageException($"invalid --scale {value}: use SERVICE=NUM");
        }

        var project = LoadProject(context, scale);
        var orchestrator = Orchestrator(context);
        var wait = context.Args.Flag("wait");
        var containers = await orchestrator.UpAsync(project, new ComposeUpOptions
        {
            Services = context.Args.Positionals,
            Build = context.Args.Flag("build"),
            Wait = wait,
            WaitTimeout = context.Args.Int("wait-timeout") is { } seconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromMinutes(5),
            ForceRecreate = context.Args.Flag("force-recreate"),
        }, context.CancellationToken);
        foreach (var container in containers.Where(c => !c.OneOff))
        {
            context.Out.WriteLine($" Container {container.Name}  {(wait ? (container.Summary.Health?.Status == HealthStatus.Healthy ? "Healthy" : container.Summary.State.IsRunning ? "Running" : "Exited") : "Started")}");
        }

        if (context.Args.Flag("detach") || wait)
        {
            return 0;
        }

        // Attached: follow every container's output until they all exit or Ctrl-C, then stop them, as docker compose up.
        try
        {
            await FollowAsync(context, containers.Where(c => !c.OneOff).ToList(), new LogOptions { Follow = true }, prefix: true, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            context.Error.WriteLine("Gracefully stopping... (press Ctrl+C again to force)");
            await orchestrator.StopAsync(project, cancellationToken: CancellationToken.None);
        }

        return 0;
    }

    private static async Task<int> DownAsync(CommandContext context)
    {
        await Orchestrator(context).DownAsync(ProjectName(context), new ComposeDownOptions { RemoveVolumes = context.Args.Flag("volumes"), Timeout = Timeout(context) }, context.CancellationToken);
        return 0;
    }

    private static async Task<int> PsAsync(CommandContext context)
    {
        var orchestrator = Orchestrator(context);
        var all = context.Args.Flag("all");
        var containers = (await orchestrator.ListAsync(ProjectName(context), all: true, context.CancellationToken))
            .Where(c => (all || c.Summary.State.IsRunning || !c.OneOff) && (context.Args.Positionals.Count == 0 || context.Args.Positionals.Contains(c.Service)))
            .ToList();
        if (context.Args.Flag("quiet"))
        {
            foreach (var container in containers)
            {
                context.Out.WriteLine(container.Summary.Id);
            }

            return 0;
        }

        var rows = new List<ComposePsRow>();
        foreach (var c in containers)
        {
            var ports = c.Summary.State.IsRunning ? await orchestrator.GetPortsAsync(c, context.CancellationToken) : [];
            rows.Add(new ComposePsRow(
                c.Name, c.Summary.Image, c.Service, c.Summary.State.Status.ToString().ToLowerInvariant(), c.Summary.Health?.StatusText ?? string.Empty,
                c.Summary.State.ExitCode, c.Summary.Status, string.Join(", ", ports.Select(p => $"{p.HostIp}:{p.HostPort}->{p.ContainerPort}/{p.Protocol}"))));
        }

        if (context.Args.Value("format") is { } format)
        {
            FormattedOutput.Write(context.Out, format, rows);
            return 0;
        }

        TableWriter.Write(context.Out, ["NAME", "IMAGE", "SERVICE", "STATUS", "PORTS"], rows.Select(r => (IReadOnlyList<string>)[r.Name, r.Image, r.Service, r.Status, r.Ports]));
        return 0;
    }

    private static async Task<int> LogsAsync(CommandContext context)
    {
        var containers = (await Orchestrator(context).ListAsync(ProjectName(context), all: true, context.CancellationToken))
            .Where(c => context.Args.Positionals.Count == 0 || context.Args.Positionals.Contains(c.Service))
            .ToList();
        var tail = context.Args.Value("tail") is { } t && t != "all" ? int.Parse(t, CultureInfo.InvariantCulture) : (int?)null;
        await FollowAsync(context, containers, new LogOptions { Follow = context.Args.Flag("follow"), Tail = tail }, !context.Args.Flag("no-log-prefix"), context.CancellationToken);
        return 0;
    }

    /// <summary>Writes the containers' output as it comes, each line prefixed with the container's name as docker compose does.</summary>
    private static async Task FollowAsync(CommandContext context, IReadOnlyList<ComposeContainer> containers, LogOptions options, bool prefix, CancellationToken cancellationToken)
    {
        var width = containers.Count == 0 ? 0 : containers.Max(c => c.Name.Length);
        var gate = new SemaphoreSlim(1, 1);
        await Task.WhenAll(containers.Select(async container =>
        {
            await foreach (var entry in context.Engine.Containers.LogsAsync(container.Summary.Id, options, cancellationToken))
            {
                await gate.WaitAsync(cancellationToken);
                try
                {
                    var writer = entry.Stream == LogStream.Stderr ? context.Error : context.Out;
                    await writer.WriteAsync(prefix ? $"{container.Name.PadRight(width)} | {entry.Text}" : entry.Text);
                    await writer.FlushAsync(cancellationToken);
                }
                finally
                {
                    gate.Release();
                }
            }
        }));
    }

    private static async Task<int> ExecAsync(CommandContext context)
    {
        if (context.Args.Positionals.Count < 2)
        {
            throw new UsageException("\"compose exec\" requires at least 2 arguments: SERVICE COMMAND [ARGS...]");
        }

        var container = await Orchestrator(context).GetContainerAsync(ProjectName(context), context.Args.Positionals[0], context.Args.Int("index") ?? 1, context.CancellationToken);

        // The same as 'containers exec CONTAINER ...' with the flags passed on.
        var args = new List<string>();
        foreach (var flag in new[] { "detach", "interactive" }.Where(context.Args.Flag))
        {
            args.Add("--" + flag);
        }

        foreach (var option in new[] { "env", "user", "workdir" })
        {
            foreach (var value in context.Args.Values(option))
            {
                args.Add($"--{option}={value}");
            }
        }

        args.Add(container.Name);
        args.AddRange(context.Args.Positionals.Skip(1));
        var exec = CommandTable.Find(["exec"]).Command!;
        await using var inner = new CommandContext(ArgumentParser.Parse(exec, args), context.Global, context.Out, context.Error, context.CancellationToken);
        return await exec.Handler(inner);
    }

    private static async Task<int> RunAsync(CommandContext context)
    {
        var service = context.Args.Positional(0, "SERVICE");
        var project = LoadProject(context);
        var orchestrator = Orchestrator(context);
        var detached = context.Args.Flag("detach");
        var details = await orchestrator.RunAsync(project, service, new ComposeRunOptions
        {
            Command = context.Args.Positionals.Count > 1 ? context.Args.Positionals.Skip(1).ToList() : null,
            Environment = context.Args.Values("env"),
            User = context.Args.Value("user"),
            Entrypoint = context.Args.Value("entrypoint") is { } entrypoint ? [entrypoint] : null,
            NoDeps = context.Args.Flag("no-deps"),
            ServicePorts = context.Args.Flag("service-ports"),
            Detached = detached,
        }, context.CancellationToken);
        if (detached)
        {
            context.Out.WriteLine(details.Name);
            return 0;
        }

        await foreach (var entry in context.Engine.Containers.LogsAsync(details.Id, new LogOptions { Follow = true }, context.CancellationToken))
        {
            await (entry.Stream == LogStream.Stderr ? context.Error : context.Out).WriteAsync(entry.Text);
        }

        var code = await context.Engine.Containers.WaitAsync(details.Id, context.CancellationToken);
        if (context.Args.Flag("rm"))
        {
            await context.Engine.Containers.RemoveAsync(details.Id, force: true, removeVolumes: true, context.CancellationToken);
        }

        return code;
    }

    private static async Task<int> StopAsync(CommandContext context)
    {
        await Orchestrator(context).StopAsync(LoadProject(context), context.Args.Positionals, Timeout(context), context.CancellationToken);
        return 0;
    }

    private static async Task<int> StartAsync(CommandContext context)
    {
        await Orchestrator(context).StartAsync(LoadProject(context), context.Args.Positionals, context.CancellationToken);
        return 0;
    }

    private static async Task<int> RestartAsync(CommandContext context)
    {
        await Orchestrator(context).RestartAsync(LoadProject(context), context.Args.Positionals, Timeout(context), context.CancellationToken);
        return 0;
    }

    private static Task<int> ConfigAsync(CommandContext context)
    {
        var project = LoadProject(context);
        if (context.Args.Flag("services"))
        {
            project.Services.Keys.Order(StringComparer.Ordinal).ToList().ForEach(context.Out.WriteLine);
        }
        else if (context.Args.Flag("volumes"))
        {
            project.Volumes.Keys.Order(StringComparer.Ordinal).ToList().ForEach(context.Out.WriteLine);
        }
        else if (!context.Args.Flag("quiet"))
        {
            context.Out.Write(ComposeWriter.ToYaml(project));
        }

        return Task.FromResult(0);
    }

    /// <summary>One line of <c>compose ps</c>, also its <c>--format</c> fields.</summary>
}
