namespace Containers.Containers;

/// <summary>A container's main process as the runtime created it: its standard streams, its start, its exit.</summary>
public interface IRuntimeProcess : IAsyncDisposable
{
    /// <summary>Gets the process ID on the host.</summary>
    int Pid { get; }

    /// <summary>Gets the process's start time (clock ticks since boot), which tells it apart from a later process with the same ID.</summary>
    ulong StartTime { get; }

    /// <summary>Gets the container's standard input, when it was created with stdin open.</summary>
    Stream? StandardInput { get; }

    /// <summary>Gets the container's standard output.</summary>
    Stream StandardOutput { get; }

    /// <summary>Gets the container's standard error.</summary>
    Stream StandardError { get; }

    /// <summary>Lets the process execute the container's program.</summary>
    /// <exception cref="ContainerCommandException">The program could not be executed.</exception>
    Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits for the process to exit and returns its exit code (128 + signal when killed).</summary>
    Task<int> WaitForExitAsync(CancellationToken cancellationToken = default);
}
