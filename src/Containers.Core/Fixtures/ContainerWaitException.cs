using System.Globalization;
using System.Text;

namespace Containers.Fixtures;

/// <summary>
/// Reports a fixture container that did not become ready: it exited first, or its wait strategy timed out. The
/// container has been removed; its exit code and last log lines are kept here to tell why.
/// </summary>
public sealed class ContainerWaitException : ContainersException
{
    /// <summary>Initializes a new instance describing the container, what was awaited and its last output.</summary>
    public ContainerWaitException(string containerId, string containerName, string waitingFor, int? exitCode, IReadOnlyList<string> lastLogLines, Exception? innerException = null)
        : base(Describe(containerId, containerName, waitingFor, exitCode, lastLogLines, innerException), innerException)
    {
        ContainerId = containerId;
        ContainerName = containerName;
        WaitingFor = waitingFor;
        ExitCode = exitCode;
        LastLogLines = lastLogLines;
    }

    /// <summary>Gets the container's ID.</summary>
    public string ContainerId { get; }

    /// <summary>Gets the container's name.</summary>
    public string ContainerName { get; }

    /// <summary>Gets what the start waited for (the wait strategy's description).</summary>
    public string WaitingFor { get; }

    /// <summary>Gets the exit code when the container exited before it was ready; <see langword="null"/> when the wait timed out while it ran.</summary>
    public int? ExitCode { get; }

    /// <summary>Gets a value indicating whether the wait timed out (otherwise the container exited or a check failed).</summary>
    public bool TimedOut => ExitCode is null && InnerException is null or TimeoutException;

    /// <summary>Gets the last lines the container wrote, standard output and error interleaved.</summary>
    public IReadOnlyList<string> LastLogLines { get; }

    private static string Describe(string id, string name, string waitingFor, int? exitCode, IReadOnlyList<string> lines, Exception? inner)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Container '{name}' ({id[..Math.Min(12, id.Length)]}) ");
        text.Append(exitCode is { } code
            ? string.Create(CultureInfo.InvariantCulture, $"exited with code {code} before it was ready")
            : inner switch
            {
                null or TimeoutException => "did not become ready in time",
                WaitFailedException failed => $"will not become ready ({failed.Message})",
                _ => $"could not be checked ({inner.Message})",
            });
        text.Append(CultureInfo.InvariantCulture, $"; waited for {waitingFor}. It was removed. ");
        text.Append(lines.Count == 0 ? "It wrote nothing." : $"Its last {lines.Count} log line(s):");
        foreach (var line in lines)
        {
            text.Append("\n  ").Append(line);
        }

        text.Append("\nCheck the image, command and environment, or give the wait strategy a longer timeout (WithTimeout).");
        return text.ToString();
    }
}
