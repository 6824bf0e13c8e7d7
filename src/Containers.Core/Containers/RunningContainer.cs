namespace Containers.Containers;

/// <summary>A container this process started: its process, log pumps and a task that completes with its exit code.</summary>
internal sealed class RunningContainer(IRuntimeProcess process, ContainerLogWriter log, Task pumps)
{
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IRuntimeProcess Process { get; } = process;

    public ContainerLogWriter Log { get; } = log;

    public Task Pumps { get; } = pumps;

    public Task<int> Exited => _exited.Task;

    public void SetExited(int code) => _exited.TrySetResult(code);
}
