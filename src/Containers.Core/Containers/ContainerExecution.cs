namespace Containers.Containers;

/// <summary>A process running inside a container, started by <see cref="IContainerService.StartExecAsync"/>.</summary>
/// <remarks>Disposing it kills the process if it still runs (unless it was started detached) and releases its streams.</remarks>
public sealed class ContainerExecution : IAsyncDisposable
{
    private readonly IRuntimeProcess _process;
    private readonly bool _detached;

    internal ContainerExecution(IRuntimeProcess process, bool detached)
    {
        _process = process;
        _detached = detached;
    }

    /// <summary>Gets the process ID on the host.</summary>
    public int Pid => _process.Pid;

    /// <summary>Gets the process's standard input, when it was started with <see cref="ExecOptions.OpenStdin"/>.</summary>
    public Stream? StandardInput => _process.StandardInput;

    /// <summary>Gets the process's standard output (empty when detached).</summary>
    public Stream StandardOutput => _process.StandardOutput;

    /// <summary>Gets the process's standard error (empty when detached).</summary>
    public Stream StandardError => _process.StandardError;

    /// <summary>Waits for the process to exit and returns its exit code (128 + signal when killed).</summary>
    public Task<int> WaitForExitAsync(CancellationToken cancellationToken = default) => _process.WaitForExitAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _detached ? ValueTask.CompletedTask : _process.DisposeAsync();
}
