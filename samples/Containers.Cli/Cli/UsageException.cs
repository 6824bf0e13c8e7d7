namespace Containers.Cli.Cli;

/// <summary>Reports a command line that does not fit the command's usage; the program exits with 125, as docker does.</summary>
internal sealed class UsageException(string message) : Exception(message);
