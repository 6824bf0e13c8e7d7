using Containers.Cli.Commands;

namespace Containers.Cli.Cli;

/// <summary>Lists every command of the program; each command group lives in its own file under <c>Commands/</c>.</summary>
internal static class CommandTable
{
    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        .. ContainerCommands.All,
        .. ContainerQueryCommands.All,
        .. ExecCommands.All,
        .. HealthCheckCommands.All,
        .. ImageCommands.All,
        .. BuildCommands.All,
        .. ArchiveCommands.All,
        .. StorageCommands.All,
        .. NetworkCommands.All,
        .. RegistryCommands.All,
        .. SystemCommands.All,
        .. VolumeCommands.All,
        .. SnapshotCommands.All,
        .. ComposeCommands.All,
    ];

    /// <summary>Finds the command named by the first words of <paramref name="args"/>, preferring the longest match.</summary>
    public static (CommandSpec? Command, int WordsUsed) Find(IReadOnlyList<string> args)
    {
        CommandSpec? best = null;
        var bestWords = 0;
        foreach (var command in All)
        {
            foreach (var name in command.Aliases is null ? [command.Path] : command.Aliases.Prepend(command.Path))
            {
                var words = name.Split(' ');
                if (words.Length > bestWords && words.Length <= args.Count && words.Select((w, i) => w == args[i]).All(x => x))
                {
                    best = command;
                    bestWords = words.Length;
                }
            }
        }

        return (best, bestWords);
    }
}
