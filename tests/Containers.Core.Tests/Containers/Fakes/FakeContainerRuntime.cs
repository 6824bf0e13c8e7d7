using System.Collections.Concurrent;
using Containers.Containers;
using Containers.Oci.Runtime;

namespace Containers.Core.Tests.Containers.Fakes;

/// <summary>
/// An <see cref="IContainerRuntime"/> that creates no process and touches no kernel object: its containers are
/// <see cref="FakeRuntimeProcess"/>es that do what the test scripts (<see cref="Behavior"/>, <see cref="ExecBehavior"/>),
/// and it records every call so a test can assert what the engine asked of its runtime.
/// </summary>
/// <remarks>
/// Process IDs start above the kernel's largest (<c>pid_max</c> is at most 2^22), so no real process is ever taken for
/// a fake one. A process ID it did not create is alive only when it is this test process's own (the engine's owner checks).
/// </remarks>
public sealed class FakeContainerRuntime : IContainerRuntime
{
    private static int s_lastPid = 10_000_000;

    private readonly ConcurrentQueue<FakeRuntimeCall> _calls = new();
    private readonly ConcurrentDictionary<int, FakeRuntimeProcess> _processes = new();
    private readonly ConcurrentDictionary<int, FakeDetachedProcess> _monitors = new();
    private readonly ConcurrentDictionary<string, RuntimeSpec> _specs = new();
    private readonly ConcurrentDictionary<string, byte> _sandboxes = new();
    private readonly ConcurrentQueue<ExecRequest> _execs = new();
    private readonly ConcurrentDictionary<int, byte> _execPids = new();

    /// <summary>Gets or sets what the main process of a container created from a spec does; the default runs until a terminating signal.</summary>
    public Func<RuntimeSpec, FakeProcessBehavior> Behavior { get; set; } = _ => FakeProcessBehavior.RunsUntilSignalled();

    /// <summary>Gets or sets what an exec'd process does; the default exits 0 at once.</summary>
    public Func<ExecRequest, FakeProcessBehavior> ExecBehavior { get; set; } = _ => FakeProcessBehavior.Exits(0);

    /// <summary>Gets or sets the host's boot ID the runtime reports; null as on a platform without one.</summary>
    public string? BootId { get; set; }

    /// <summary>Gets every call in the order the engine made them.</summary>
    public IReadOnlyList<FakeRuntimeCall> Calls => _calls.ToList();

    /// <summary>Gets the exec requests in the order the engine made them.</summary>
    public IReadOnlyList<ExecRequest> Execs => _execs.ToList();

    /// <summary>Gets the sandboxes (cgroups, on Linux) that exist: created with a container, gone once deleted.</summary>
    public IReadOnlyCollection<string> Sandboxes => _sandboxes.Keys.ToList();

    /// <summary>Gets the processes of every container that have not exited (exec'd ones included).</summary>
    public IReadOnlyList<FakeRuntimeProcess> LiveProcesses => _processes.Values.Where(p => !p.HasExited).ToList();

    /// <summary>Returns the signals the engine sent to <paramref name="containerId"/>'s processes, in order, whether or not a process still received them.</summary>
    public IReadOnlyList<int> SignalsTo(string containerId) =>
        Calls.Where(c => c.Operation == "signal" && c.ContainerId == containerId).Select(c => c.Signal).ToList();

    /// <summary>Returns the operations the engine asked for <paramref name="containerId"/>, in order.</summary>
    public IReadOnlyList<string> OperationsOn(string containerId) =>
        Calls.Where(c => c.ContainerId == containerId).Select(c => c.Operation).ToList();

    /// <summary>Returns the main processes created for <paramref name="containerId"/>, oldest first (one per start).</summary>
    public IReadOnlyList<FakeRuntimeProcess> MainProcessesOf(string containerId) =>
        _processes.Values.Where(p => p.ContainerId == containerId && !_execPids.ContainsKey(p.Pid)).OrderBy(p => p.Pid).ToList();

    /// <summary>Returns the latest main process of <paramref name="containerId"/>.</summary>
    public FakeRuntimeProcess MainProcessOf(string containerId) =>
        MainProcessesOf(containerId).LastOrDefault() ?? throw new InvalidOperationException($"the runtime created no process for container {containerId}");

    /// <summary>Returns the detached container's monitor of the latest start.</summary>
    public FakeDetachedProcess MonitorOf(string containerId) =>
        _monitors.Values.Where(m => m.Container.ContainerId == containerId).OrderBy(m => m.MonitorPid).LastOrDefault()
            ?? throw new InvalidOperationException($"the runtime created no detached process for container {containerId}");

    /// <summary>Returns the spec the container was last created from.</summary>
    public RuntimeSpec SpecOf(string containerId) => _specs[containerId];

    public Task<IRuntimeProcess> CreateAsync(string containerId, RuntimeSpec spec, bool openStdin, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Record("create", containerId);
        return Task.FromResult<IRuntimeProcess>(Create(containerId, spec, openStdin));
    }

    public Task<IDetachedRuntimeProcess> CreateDetachedAsync(string containerId, RuntimeSpec spec, DetachedOutput output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        cancellationToken.ThrowIfCancellationRequested();
        Record("create-detached", containerId);
        var container = Create(containerId, spec, openStdin: false);
        var monitor = new FakeDetachedProcess(container, NextPid(), 1, output);
        _monitors[monitor.MonitorPid] = monitor;
        return Task.FromResult<IDetachedRuntimeProcess>(monitor);
    }

    public Task<IRuntimeProcess> ExecAsync(ExecRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var container = _processes.GetValueOrDefault(request.ContainerPid);
        Record("exec", container?.ContainerId ?? string.Empty);
        _execs.Enqueue(request);
        if (container is null || container.HasExited || container.StartTime != request.ContainerStartTime)
        {
            throw new ContainerStartException("joining the container's namespaces", 3, "ESRCH", "the container's process is gone");
        }

        var behavior = ExecBehavior(request);
        if (behavior.StartError is { } error)
        {
            throw error;
        }

        var pid = NextPid();
        var process = new FakeRuntimeProcess(container.ContainerId, pid, (ulong)pid, behavior, request.OpenStdin);
        _execPids[pid] = 0;
        _processes[pid] = process;
        process.StartAsync(cancellationToken).GetAwaiter().GetResult();
        return Task.FromResult<IRuntimeProcess>(process);
    }

    public bool Signal(int pid, ulong startTime, int signal)
    {
        var process = Find(pid, startTime);
        var monitor = process is null && _monitors.TryGetValue(pid, out var m) ? m : null;
        var delivered = process?.Deliver(signal) ?? (monitor is not null && monitor.MonitorAlive && signal == Signals.Kill && monitor.Container.Deliver(signal));
        _calls.Enqueue(new FakeRuntimeCall("signal", process?.ContainerId ?? monitor?.Container.ContainerId ?? string.Empty, signal, delivered));
        return delivered;
    }

    public bool IsAlive(int pid, ulong startTime)
    {
        if (Find(pid, startTime) is { } process)
        {
            return !process.HasExited;
        }

        if (_monitors.TryGetValue(pid, out var monitor))
        {
            return monitor.MonitorAlive;
        }

        return pid == Environment.ProcessId;
    }

    public Task PauseAsync(string cgroupsPath, CancellationToken cancellationToken = default)
    {
        Record("pause", IdOf(cgroupsPath));
        foreach (var process in ProcessesIn(cgroupsPath))
        {
            process.Freeze();
        }

        return Task.CompletedTask;
    }

    public Task ResumeAsync(string cgroupsPath, CancellationToken cancellationToken = default)
    {
        Record("resume", IdOf(cgroupsPath));
        foreach (var process in ProcessesIn(cgroupsPath))
        {
            process.Thaw();
        }

        return Task.CompletedTask;
    }

    public Task<ContainerStats> GetStatsAsync(string cgroupsPath, CancellationToken cancellationToken = default)
    {
        Record("stats", IdOf(cgroupsPath));
        return Task.FromResult(new ContainerStats { Pids = (ulong)ProcessesIn(cgroupsPath).Count, MemoryUsage = 4096 });
    }

    public Task<IReadOnlyList<ContainerProcess>> GetProcessesAsync(string cgroupsPath, CancellationToken cancellationToken = default)
    {
        Record("top", IdOf(cgroupsPath));
        return Task.FromResult<IReadOnlyList<ContainerProcess>>(ProcessesIn(cgroupsPath).Select(p => new ContainerProcess(p.Pid, 1, 0, "fake")).ToList());
    }

    public Task<bool> WasOomKilledAsync(string cgroupsPath, CancellationToken cancellationToken = default) =>
        Task.FromResult(MainProcessesOf(IdOf(cgroupsPath)).LastOrDefault()?.Behavior.OomKilled ?? false);

    public Task DeleteAsync(string cgroupsPath, CancellationToken cancellationToken = default)
    {
        // As the real runtime: a sandbox whose processes still run cannot be removed.
        Record("delete", IdOf(cgroupsPath));
        if (ProcessesIn(cgroupsPath).Count > 0)
        {
            throw new IOException($"the fake sandbox {cgroupsPath} still has processes (EBUSY)");
        }

        _sandboxes.TryRemove(cgroupsPath, out _);
        return Task.CompletedTask;
    }

    public IReadOnlyList<string> ListSandboxes(string scope) =>
        _sandboxes.Keys.Where(s => s.StartsWith(scope + "/", StringComparison.Ordinal)).ToList();

    public void RemoveScopeIfEmpty(string scope)
    {
    }

    private FakeRuntimeProcess Create(string containerId, RuntimeSpec spec, bool openStdin)
    {
        var behavior = Behavior(spec);
        if (behavior.CreateError is { } error)
        {
            throw error; // a failed setup leaves nothing, as the real runtime promises
        }

        var pid = NextPid();
        var process = new FakeRuntimeProcess(containerId, pid, (ulong)pid, behavior, openStdin);
        _processes[pid] = process;
        _specs[containerId] = spec;

        // The container's PID 1: when it exits, the kernel kills every other process of its namespace (exec'd ones).
        process.BeforeExit = () =>
        {
            foreach (var other in _processes.Values.Where(p => p.ContainerId == containerId && _execPids.ContainsKey(p.Pid)))
            {
                other.Exit(128 + Signals.Kill);
            }
        };
        if (spec.Linux?.CgroupsPath is { } cgroup)
        {
            _sandboxes[cgroup] = 0;
        }

        return process;
    }

    private FakeRuntimeProcess? Find(int pid, ulong startTime) =>
        _processes.TryGetValue(pid, out var process) && (startTime == 0 || process.StartTime == startTime) ? process : null;

    private List<FakeRuntimeProcess> ProcessesIn(string cgroupsPath) =>
        _processes.Values.Where(p => p.ContainerId == IdOf(cgroupsPath) && !p.HasExited).ToList();

    private static string IdOf(string cgroupsPath) => cgroupsPath[(cgroupsPath.LastIndexOf('/') + 1)..];

    private static int NextPid() => Interlocked.Increment(ref s_lastPid);

    private void Record(string operation, string containerId) => _calls.Enqueue(new FakeRuntimeCall(operation, containerId));
}
