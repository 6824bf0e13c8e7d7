namespace Containers.Containers;

/// <summary>
/// Reports a container command that cannot run: not found in the container's <c>PATH</c> (exit code 127, as Docker)
/// or not executable (126).
/// </summary>
public sealed class ContainerCommandException : ContainersException
{
    /// <summary>Initializes a new instance for the command and the exit code Docker would give.</summary>
    public ContainerCommandException(string command, int exitCode, string message)
        : base(message)
    {
        Command = command;
        ExitCode = exitCode;
    }

    /// <summary>Gets the command that could not run.</summary>
    public string Command { get; }

    /// <summary>Gets the exit code a Docker-compatible command line reports: 127 not found, 126 not executable.</summary>
    public int ExitCode { get; }
}
