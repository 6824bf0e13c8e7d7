using Containers.Cli.Cli;

namespace Containers.Cli;

/// <summary>The <c>containers</c> program: a Docker-like command line over the engine, with no daemon.</summary>
public static class Program
{
    /// <summary>Runs one command and returns its exit code.</summary>
    public static async Task<int> Main(string[] args)
    {
        InheritedSignals.ReclaimIgnored(); // before the handlers below are installed
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            if (!SignalProxy.Active)
            {
                cancellation.Cancel(); // an attached container gets the signal instead (SignalProxy)
            }
        };
        return await RunAsync(args, Console.Out, Console.Error, cancellation.Token);
    }

    /// <summary>Runs one command against the given output streams; tests call this directly.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var global = new GlobalOptions();
        var i = 0;
        try
        {
            for (; i < args.Length && args[i].StartsWith('-'); i++)
            {
                switch (args[i])
                {
                    case "--root":
                        global = global with { Root = ++i < args.Length ? args[i] : throw new UsageException("flag needs an argument: --root"), RootGiven = true };
                        break;
                    case var a when a.StartsWith("--root=", StringComparison.Ordinal):
                        global = global with { Root = a["--root=".Length..], RootGiven = true };
                        break;
                    case "--scratch":
                        global = global with { Scratch = true };
                        break;
                    case "--debug" or "-D":
                        global = global with { Debug = true };
                        break;
                    case "--version" or "-v":
                        output.WriteLine($"containers version {typeof(Program).Assembly.GetName().Version}");
                        return 0;
                    case "--help" or "-h":
                        HelpPrinter.PrintProgram(output);
                        return 0;
                    default:
                        throw new UsageException($"unknown flag: {args[i]}");
                }
            }

            var rest = args[i..];
            if (rest.Length == 0)
            {
                HelpPrinter.PrintProgram(output);
                return 0;
            }

            var (command, words) = CommandTable.Find(rest);
            if (command is null)
            {
                throw new UsageException($"'{rest[0]}' is not a containers command. See 'containers --help'");
            }

            var commandArgs = rest[words..];
            if (commandArgs.Length > 0 && commandArgs[0] is "--help" or "-h")
            {
                HelpPrinter.PrintCommand(output, command);
                return 0;
            }

            var parsed = ArgumentParser.Parse(command, commandArgs);
            await using var context = new CommandContext(parsed, global, output, error, cancellationToken);
            return await command.Handler(context);
        }
        catch (UsageException e)
        {
            error.WriteLine($"containers: {e.Message}");
            return 125;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error.WriteLine("containers: canceled");
            return 130;
        }
        catch (Exception e) when (e is ContainersException or IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or FormatException or TimeoutException)
        {
            error.WriteLine(global.Debug ? $"Error: {e}" : $"Error: {e.Message}");
            return 1;
        }
    }
}
