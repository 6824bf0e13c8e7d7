namespace Containers.Cli.Cli;

/// <summary>Prints the program's and each command's help.</summary>
internal static class HelpPrinter
{
    public static void PrintProgram(TextWriter output)
    {
        output.WriteLine("Usage:  containers [OPTIONS] COMMAND");
        output.WriteLine();
        output.WriteLine("A daemonless container engine for .NET");
        output.WriteLine();
        output.WriteLine("Options:");
        output.WriteLine("      --root string   Store root (default $CONTAINERS_ROOT or /var/lib/dotnet-containers)");
        output.WriteLine("      --scratch       Use a throwaway root (in --root when given, else a temporary directory), reset and deleted on exit");
        output.WriteLine("      --debug         Print full error details");
        output.WriteLine("  -v, --version       Print version information and quit");
        output.WriteLine();
        output.WriteLine("Commands:");
        foreach (var command in CommandTable.All.OrderBy(c => c.Path, StringComparer.Ordinal))
        {
            var aliases = command.Aliases is { Count: > 0 } ? $" (also: {string.Join(", ", command.Aliases)})" : string.Empty;
            output.WriteLine($"  {command.Path,-18} {command.Summary}{aliases}");
        }

        output.WriteLine();
        output.WriteLine("Run 'containers COMMAND --help' for more information on a command.");
    }

    public static void PrintCommand(TextWriter output, CommandSpec command)
    {
        output.WriteLine($"Usage:  containers {command.Path}{(command.Options.Count > 0 ? " [OPTIONS]" : string.Empty)} {command.Usage}".TrimEnd());
        output.WriteLine();
        output.WriteLine(command.Summary);
        if (command.Aliases is { Count: > 0 })
        {
            output.WriteLine();
            output.WriteLine("Aliases:");
            output.WriteLine("  " + string.Join(", ", command.Aliases.Prepend(command.Path)));
        }

        if (command.Options.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Options:");
            foreach (var option in command.Options)
            {
                var shortName = option.Short is { } s ? $"-{s}, " : "    ";
                var name = option.TakesValue ? $"--{option.Name} {option.ValueName ?? "string"}" : $"--{option.Name}";
                output.WriteLine($"  {shortName}{name,-24} {option.Help}");
            }
        }
    }
}
