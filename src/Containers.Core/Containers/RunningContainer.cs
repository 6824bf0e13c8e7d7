namespace Containers.Containers;

/// <summary>A container this process started: its process, log pumps and a task that completes with its exit code.</summary>
internal sealed class RunningContainer(IRuntimeProcess process, ContainerLogWriter log, Task pumps)
{
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _outputEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IRuntimeProcess Process { get; } = process;

    public ContainerLogWriter Log { get; } = log;

    public Task Pumps { get; } = pumps;

    public Task<int> Exited => _exited.Task;

    public void SetExited(int code) => _exited.TrySetResult(code);

    /// <summary>Gets a task that completes once all the container's output is in its log file (its pumps drained, the log closed).</summary>
    public Task OutputEnded => _outputEnded.Task;

    public void SetOutputEnded() => _outputEnded.TrySetResult();
}
