using Containers.Cli.Cli;
using Containers.Containers;

namespace Containers.Cli.Commands;

/// <summary>The container lifecycle commands: run, create, start, stop, kill, rm, restart, pause, unpause, wait, rename.</summary>
internal static class ContainerCommands
{
    private static readonly OptionSpec Time = OptionSpec.Value("time", 't', "int", "Seconds to wait before killing the container");

    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        new("container run", "Create and run a new container from an image", "IMAGE [COMMAND] [ARG...]",
            [.. ContainerOptionsParser.Options, OptionSpec.Flag("detach", 'd', "Run container in background and print container ID")], RunAsync, ["run"], FlagsStopAtFirstArgument: true),
        new("container create", "Create a new container", "IMAGE [COMMAND] [ARG...]", ContainerOptionsParser.Options, CreateAsync, ["create"], FlagsStopAtFirstArgument: true),
        new("container start", "Start one or more stopped containers", "CONTAINER [CONTAINER...]",
            [OptionSpec.Flag("attach", 'a', "Attach STDOUT/STDERR and forward signals")], StartAsync, ["start"]),
        new("container stop", "Stop one or more running containers", "CONTAINER [CONTAINER...]", [Time], StopAsync, ["stop"]),
        new("container restart", "Restart one or more containers", "CONTAINER [CONTAINER...]", [Time], RestartAsync, ["restart"]),
        new("container kill", "Kill one or more running containers", "CONTAINER [CONTAINER...]",
            [OptionSpec.Value("signal", 's', "string", "Signal to send to the container (default KILL)")], KillAsync, ["kill"]),
        new("container rm", "Remove one or more containers", "CONTAINER [CONTAINER...]",
            [OptionSpec.Flag("force", 'f', "Force the removal of a running container (uses SIGKILL)"), OptionSpec.Flag("volumes", 'v', "Remove anonymous volumes associated with the container")], RemoveAsync, ["rm", "container remove"]),
        new("container pause", "Pause all processes within one or more containers", "CONTAINER [CONTAINER...]", [], c => ForEachAsync(c, (id, ct) => c.Engine.Containers.PauseAsync(id, ct)), ["pause"]),
        new("container unpause", "Unpause all processes within one or more containers", "CONTAINER [CONTAINER...]", [], c => ForEachAsync(c, (id, ct) => c.Engine.Containers.UnpauseAsync(id, ct)), ["unpause"]),
        new("container wait", "Block until one or more containers stop, then print their exit codes", "CONTAINER [CONTAINER...]", [], WaitAsync, ["wait"]),
        new("container rename", "Rename a container", "CONTAINER NEW_NAME", [], RenameAsync, ["rename"]),
        new("container commit", "Create a new image from a container's changes", "CONTAINER [REPOSITORY[:TAG]]",
            [OptionSpec.Value("message", 'm', "string", "Commit message"), OptionSpec.Value("author", 'a', "string", "Author"), OptionSpec.Value("change", 'c', "list", "Apply Dockerfile instruction to the created image")],
            CommitAsync, ["commit"]),
    ];

    private static async Task<int> RunAsync(CommandContext context)
    {
        ContainerCreateOptions options;
        try
        {
            options = ContainerOptionsParser.Parse(context.Args);
        }
        catch (ContainersException e)
        {
            context.Error.WriteLine($"containers: Error: {e.Message}");
            return 125;
        }

        var containers = context.Engine.Containers;
        if (context.Args.Flag("detach"))
        {
            // As docker run -d: the container outlives this command, watched by its monitor; print its ID.
            var (detached, failure) = await StartContainerAsync(context, options with { Detached = true });
            if (detached is not null)
            {
                context.Out.WriteLine(detached.Id);
            }

            return failure;
        }

        // --rm is applied here, after the output is read, so a fast container's logs are not removed before they are shown.
        var (container, code) = await StartContainerAsync(context, options with { AutoRemove = false });
        if (container is null)
        {
            return code;
        }

        var stdin = options.OpenStdin ? PumpStdinAsync(context, container.Id) : Task.CompletedTask;
        using (new SignalProxy(containers, container.Id))
        {
            await CopyOutputAsync(context, container.Id, follow: true);
            code = await containers.WaitAsync(container.Id, CancellationToken.None);
        }

        if (options.AutoRemove)
        {
            await containers.RemoveAsync(container.Id, force: true, removeVolumes: true, CancellationToken.None);
        }

        _ = stdin;
        return code;
    }

    /// <summary>Creates and starts a container; on failure prints the error and returns docker run's code: the program's 126 or 127, else 125 (the engine failed).</summary>
    private static async Task<(ContainerDetails? Container, int ExitCode)> StartContainerAsync(CommandContext context, ContainerCreateOptions options)
    {
        try
        {
            return (await context.Engine.Containers.RunAsync(options, context.CancellationToken), 0);
        }
        catch (ContainerCommandException e)
        {
            context.Error.WriteLine($"containers: Error: {e.Message}");
            return (null, e.ExitCode);
        }
        catch (ContainersException e)
        {
            context.Error.WriteLine($"containers: Error: {e.Message}");
            return (null, 125);
        }
    }

    /// <summary>Writes the container's output to ours, stdout to stdout and stderr to stderr, until it stops.</summary>
    internal static async Task CopyOutputAsync(CommandContext context, string id, bool follow, DateTimeOffset? since = null)
    {
        await foreach (var entry in context.Engine.Containers.LogsAsync(id, new LogOptions { Follow = follow, Since = since }, context.CancellationToken))
        {
            var writer = entry.Stream == LogStream.Stderr ? context.Error : context.Out;
            await writer.WriteAsync(entry.Text);
            await writer.FlushAsync();
        }
    }

    private static async Task PumpStdinAsync(CommandContext context, string id)
    {
        var input = await context.Engine.Containers.GetStandardInputAsync(id, context.CancellationToken);
        if (input is null)
        {
            return;
        }

        await using (input)
        {
            await using var stdin = Console.OpenStandardInput();
            await stdin.CopyToAsync(input, context.CancellationToken);
        }
    }

    private static async Task<int> CreateAsync(CommandContext context)
    {
        // A container created here is started by a later command, so it must not die with that command: detached.
        var container = await context.Engine.Containers.CreateAsync(ContainerOptionsParser.Parse(context.Args) with { Detached = true }, context.CancellationToken);
        context.Out.WriteLine(container.Id);
        return 0;
    }

    private static async Task<int> StartAsync(CommandContext context)
    {
        if (context.Args.Flag("attach"))
        {
            var id = context.Args.Positional(0, "CONTAINER");
            await context.Engine.Containers.StartAsync(id, context.CancellationToken);
            using (new SignalProxy(context.Engine.Containers, id))
            {
                await CopyOutputAsync(context, id, follow: true);
                return await context.Engine.Containers.WaitAsync(id, context.CancellationToken);
            }
        }

        return await ForEachAsync(context, (id, ct) => context.Engine.Containers.StartAsync(id, ct));
    }

    private static Task<int> StopAsync(CommandContext context) =>
        ForEachAsync(context, (id, ct) => context.Engine.Containers.StopAsync(id, Timeout(context), ct));

    private static Task<int> RestartAsync(CommandContext context) =>
        ForEachAsync(context, (id, ct) => context.Engine.Containers.RestartAsync(id, Timeout(context), ct));

    private static Task<int> KillAsync(CommandContext context) =>
        ForEachAsync(context, (id, ct) => context.Engine.Containers.KillAsync(id, context.Args.Value("signal") ?? "KILL", ct));

    private static Task<int> RemoveAsync(CommandContext context) =>
        ForEachAsync(context, (id, ct) => context.Engine.Containers.RemoveAsync(id, context.Args.Flag("force"), context.Args.Flag("volumes"), ct));

    private static async Task<int> WaitAsync(CommandContext context)
    {
        var status = 0;
        foreach (var id in Names(context))
        {
            try
            {
                context.Out.WriteLine(await context.Engine.Containers.WaitAsync(id, context.CancellationToken));
            }
            catch (ContainersException e)
            {
                context.Error.WriteLine($"Error: {e.Message}");
                status = 1;
            }
        }

        return status;
    }

    private static async Task<int> CommitAsync(CommandContext context)
    {
        var image = await context.Engine.Containers.CommitAsync(context.Args.Positional(0, "CONTAINER"), new CommitOptions
        {
            Reference = context.Args.Positionals.Count > 1 ? context.Args.Positionals[1] : null,
            Message = context.Args.Value("message"),
            Author = context.Args.Value("author"),
            Changes = context.Args.Values("change"),
        }, context.CancellationToken);
        context.Out.WriteLine(image.Id);
        return 0;
    }

    private static async Task<int> RenameAsync(CommandContext context)
    {
        if (context.Args.Positionals.Count != 2)
        {
            throw new UsageException("\"rename\" requires exactly 2 arguments: CONTAINER NEW_NAME");
        }

        await context.Engine.Containers.RenameAsync(context.Args.Positionals[0], context.Args.Positionals[1], context.CancellationToken);
        return 0;
    }

    /// <summary>Applies an action to every named container, printing each name as docker does and reporting failures on stderr.</summary>
    private static async Task<int> ForEachAsync(CommandContext context, Func<string, CancellationToken, Task> action)
    {
        var status = 0;
        foreach (var id in Names(context))
        {
            try
            {
                await action(id, context.CancellationToken);
                context.Out.WriteLine(id);
            }
            catch (ContainersException e)
            {
                context.Error.WriteLine($"Error: {e.Message}");
                status = 1;
            }
        }

        return status;
    }

    private static IReadOnlyList<string> Names(CommandContext context) =>
        context.Args.Positionals.Count > 0 ? context.Args.Positionals : throw new UsageException("requires at least 1 argument: CONTAINER");

    /// <summary>As docker stop -t: seconds before SIGKILL; -1 waits for as long as the container takes.</summary>
    private static TimeSpan? Timeout(CommandContext context) => context.Args.Int("time") switch
    {
        null => null,
        -1 => System.Threading.Timeout.InfiniteTimeSpan,
        < 0 and var seconds => throw new UsageException($"invalid argument \"{seconds}\" for \"-t, --time\": use a number of seconds, or -1 to wait without a limit"),
        var seconds => TimeSpan.FromSeconds(seconds.Value),
    };
}
