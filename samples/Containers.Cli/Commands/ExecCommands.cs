using Containers.Cli.Cli;
using Containers.Containers;

namespace Containers.Cli.Commands;

/// <summary>Processes inside running containers and detached containers' output: exec and attach.</summary>
internal static class ExecCommands
{
    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        new("container exec", "Execute a command in a running container", "CONTAINER COMMAND [ARG...]",
            [
                OptionSpec.Flag("detach", 'd', "Detached mode: run command in the background"),
                OptionSpec.Flag("interactive", 'i', "Keep STDIN open"),
                OptionSpec.Value("env", 'e', "list", "Set environment variables"),
                OptionSpec.Value("user", 'u', "string", "Username or UID (format: \"<name|uid>[:<group|gid>]\")"),
                OptionSpec.Value("workdir", 'w', "string", "Working directory inside the container"),
            ], ExecAsync, ["exec"], FlagsStopAtFirstArgument: true),
        new("container attach", "Attach to a running container's output (and input, when it was started with -i) and wait for it to exit", "CONTAINER", [], AttachAsync, ["attach"]),
    ];

    private static async Task<int> ExecAsync(CommandContext context)
    {
        if (context.Args.Positionals.Count < 2)
        {
            throw new UsageException("\"exec\" requires at least 2 arguments: CONTAINER COMMAND [ARG...]");
        }

        var options = new ExecOptions
        {
            Command = context.Args.Positionals.Skip(1).ToList(),
            Environment = context.Args.Values("env"),
            User = context.Args.Value("user"),
            WorkingDirectory = context.Args.Value("workdir"),
            OpenStdin = context.Args.Flag("interactive"),
            Detached = context.Args.Flag("detach"),
        };

        ContainerExecution execution;
        try
        {
            execution = await context.Engine.Containers.StartExecAsync(context.Args.Positionals[0], options, context.CancellationToken);
        }
        catch (ContainerCommandException e)
        {
            // As docker exec: 126 when the program cannot run, 127 when it is missing.
            context.Error.WriteLine($"containers: Error: {e.Message}");
            return e.ExitCode;
        }

        await using (execution)
        {
            if (options.Detached)
            {
                return 0;
            }

            var input = execution.StandardInput is { } stdin ? PumpAsync(stdin, context.CancellationToken) : Task.CompletedTask;
            var output = CopyAsync(execution.StandardOutput, context.Out, context.CancellationToken);
            var error = CopyAsync(execution.StandardError, context.Error, context.CancellationToken);
            var code = await execution.WaitForExitAsync(context.CancellationToken);
            await Task.WhenAll(output, error);
            _ = input;
            return code;
        }
    }

    private static async Task<int> AttachAsync(CommandContext context)
    {
        var id = context.Args.Positional(0, "CONTAINER");
        var details = await context.Engine.Containers.InspectAsync(id, context.CancellationToken);
        if (!details.State.IsRunning)
        {
            context.Error.WriteLine("containers: Error: You cannot attach to a stopped container, start it first");
            return 1;
        }

        // Output from now on, as docker attach: taken before any input is sent, so replies to it are shown.
        var since = DateTimeOffset.UtcNow;
        var input = await context.Engine.Containers.GetStandardInputAsync(id, context.CancellationToken) is { } stdin
            ? PumpAsync(stdin, context.CancellationToken)
            : Task.CompletedTask;
        await ContainerCommands.CopyOutputAsync(context, id, follow: true, since);
        _ = input;
        return await context.Engine.Containers.WaitAsync(id, context.CancellationToken);
    }

    private static async Task CopyAsync(Stream source, TextWriter destination, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(source);
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            await destination.FlushAsync(cancellationToken);
        }
    }

    private static async Task PumpAsync(Stream input, CancellationToken cancellationToken)
    {
        await using (input)
        {
            await using var stdin = Console.OpenStandardInput();
            await stdin.CopyToAsync(input, cancellationToken);
        }
    }
}
