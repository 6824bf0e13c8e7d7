namespace Containers.Cli.Cli;

/// <summary>Declares a command: its words (<c>image ls</c>), aliases (<c>images</c>), flags and handler.</summary>
/// <param name="Path">The command's words, such as <c>image ls</c>.</param>
/// <param name="Summary">One line for the help listing.</param>
/// <param name="Usage">The argument synopsis after the command words.</param>
/// <param name="Options">The flags the command takes.</param>
/// <param name="Handler">Runs the command; returns the process exit code.</param>
/// <param name="Aliases">Other words that invoke it, such as <c>images</c> for <c>image ls</c>.</param>
/// <param name="FlagsStopAtFirstArgument">
/// Whether flags end at the first positional argument, as for <c>run IMAGE COMMAND -flags-of-the-command</c>.
/// </param>
internal sealed record CommandSpec(
    string Path,
    string Summary,
    string Usage,
    IReadOnlyList<OptionSpec> Options,
    Func<CommandContext, Task<int>> Handler,
    IReadOnlyList<string>? Aliases = null,
    bool FlagsStopAtFirstArgument = false);
