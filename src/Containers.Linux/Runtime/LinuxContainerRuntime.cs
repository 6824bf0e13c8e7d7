using Containers.Containers;
using Containers.Linux.Cgroups;
using Containers.Linux.Interop;
using Containers.Linux.Native;
using Containers.Linux.Security;
using Containers.Oci.Runtime;
using Microsoft.Extensions.Logging;
using Containers.Storage;

namespace Containers.Linux.Runtime;

/// <summary>
/// Runs containers with the native spawn helper: C# compiles the specification into a plan, the helper clones into
/// the namespaces and runs it; cgroup placement happens while the child waits, before its first step.
/// </summary>
internal sealed partial class LinuxContainerRuntime(ICgroupManager cgroups, ILogger<LinuxContainerRuntime> logger, Roots.RootOwner? owner = null) : IContainerRuntime
{
    public async Task<IRuntimeProcess> CreateAsync(string containerId, RuntimeSpec spec, bool openStdin, CancellationToken cancellationToken = default)
    {
        var (executable, seccomp, cgroupsPath) = await PrepareAsync(spec).ConfigureAwait(false);
        using var sync = Pipe.Create();
        var report = Pipe.Create();
        var start = Pipe.Create();
        using var stdout = Pipe.Create();
        using var stderr = Pipe.Create();
        using var stdin = openStdin ? Pipe.Create() : null;
        using var devNull = openStdin ? null : StdinSource.OpenDevNull();
        var plan = SpawnPlanBuilder.Build(spec, executable, new StdioFds(stdin?.ReadFd ?? devNull!.Fd, stdout.WriteFd, stderr.WriteFd), seccomp);

        var pid = await SpawnAsync(plan, sync, report, start, stdout, stderr, stdin).ConfigureAwait(false);
        await FailIfNotSpawnedAsync(pid, report, start, cgroupsPath, cancellationToken).ConfigureAwait(false);

        var exit = Reaper.WaitAsync(pid);
        await ReleaseAsync(pid, exit, spec, plan, sync, report, start, cancellationToken).ConfigureAwait(false);
        LogCreated(logger, containerId, pid);
        var barrier = new StartBarrier(plan, report, start, exit);
        return new LinuxRuntimeProcess(pid, ProcStat.StartTime(pid) ?? 0, barrier, exit, stdin?.TakeWriter(), stdout.TakeReader(), stderr.TakeReader());
    }

    public async Task<IDetachedRuntimeProcess> CreateDetachedAsync(string containerId, RuntimeSpec spec, DetachedOutput output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var monitorProgram = MonitorProgram.Locate();

        // Written before anything is created, so a failure here leaves nothing behind.
        if (output.HealthCheck is { } health)
        {
            await HealthCheckPlan.WriteAsync(health, spec, spec.Linux?.CgroupsPath is { } cgroup ? cgroups.ProcessFiles(cgroup) : [], cancellationToken).ConfigureAwait(false);
        }

        var (executable, seccomp, cgroupsPath) = await PrepareAsync(spec).ConfigureAwait(false);
        var restart = output.Restart is { } policy && RestartPlan.Supports(spec) ? policy : null;
        if (restart is not null)
        {
            try
            {
                var cgroupFiles = cgroupsPath is null ? [] : cgroups.ProcessFiles(cgroupsPath);
                await RestartPlan.WriteAsync(restart, spec, executable, seccomp, output.StdinPath, cgroupFiles, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await DeleteCgroupAsync(cgroupsPath, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }

        using var sync = Pipe.Create();
        var report = Pipe.Create();
        var start = Pipe.Create();
        using var stdout = Pipe.Create();
        using var stderr = Pipe.Create();
        using var pidPipe = Pipe.Create();
        using var stdin = output.StdinPath is null ? StdinSource.OpenDevNull() : StdinSource.OpenFifo(output.StdinPath);
        File.Delete(output.ExitPath);

        // The container's parent-death signal now follows the monitor: if the monitor is killed, so is the container.
        var plan = SpawnPlanBuilder.Build(spec, executable, new StdioFds(stdin.Fd, stdout.WriteFd, stderr.WriteFd), seccomp);
        var rotation = output.Rotation ?? LogRotation.Default;
        List<string> arguments = ["containers-monitor", output.LogPath, output.ExitPath, Invariant(stdout.ReadFd), Invariant(stderr.ReadFd), rotation.MaxSize.ToString(System.Globalization.CultureInfo.InvariantCulture), Invariant(rotation.MaxFiles)];
        if (output.HealthCheck is { } check)
        {
            arguments.AddRange([check.PlanPath, check.ResultsPath]);
        }

        if (restart is not null)
        {
            if (output.HealthCheck is null)
            {
                arguments.AddRange([string.Empty, string.Empty]); // no health check plan
            }

            arguments.Add(restart.Paths.PlanPath);
        }

        // The monitor names its root in its environment, so a root deleted under it can be told from a live one.
        string[] environment = owner is null ? [] : [$"{Roots.OwnerLabel.EnvironmentVariable}={owner.Text}"];
        var monitorPid = await Spawner.RunAsync(() =>
        {
            using var buffer = new NativePlanBuffer(plan, sync.ReadFd, report.WriteFd, start.ReadFd);
            unsafe
            {
                return NativeMethods.SpawnMonitored(buffer.Plan, buffer.Monitor(monitorProgram, arguments, stdout.ReadFd, stderr.ReadFd, pidPipe.WriteFd, environment));
            }
        }).ConfigureAwait(false);

        sync.CloseRead();
        report.CloseWrite();
        start.CloseRead();
        stdout.Dispose();
        stderr.Dispose();
        pidPipe.CloseWrite();
        await FailIfNotSpawnedAsync(monitorPid, report, start, cgroupsPath, cancellationToken).ConfigureAwait(false);

        var monitorExit = Reaper.WaitAsync(monitorPid);
        var pid = await Task.Run(() => ReadInt32(pidPipe.ReadFd), CancellationToken.None).ConfigureAwait(false);
        if (pid <= 0)
        {
            await monitorExit.ConfigureAwait(false);
            report.Dispose();
            start.Dispose();
            await DeleteCgroupAsync(cgroupsPath, CancellationToken.None).ConfigureAwait(false);
            var errno = pid < 0 ? -pid : Errno.EIO;
            throw new ContainerStartException("clone", errno, Errno.Name(errno), $"creating the container's namespaces failed: {Errno.Describe(errno)}");
        }

        await ReleaseAsync(pid, monitorExit, spec, plan, sync, report, start, cancellationToken).ConfigureAwait(false);
        LogCreatedDetached(logger, containerId, pid, monitorPid);
        var barrier = new StartBarrier(plan, report, start, monitorExit);
        return new LinuxDetachedProcess(pid, ProcStat.StartTime(pid) ?? 0, monitorPid, ProcStat.StartTime(monitorPid) ?? 0, barrier, monitorExit)
        {
            AppliesRestartPolicy = restart is not null,
        };
    }

    /// <summary>Clones the child of <paramref name="plan"/> on the spawner thread, then closes the pipe ends the child now owns.</summary>
    private static async Task<int> SpawnAsync(SpawnPlan plan, Pipe sync, Pipe report, Pipe start, Pipe stdout, Pipe stderr, Pipe? stdin, int joinPidNamespaceFd = 0)
    {
        var pid = await Spawner.RunAsync(() =>
        {
            using var buffer = new NativePlanBuffer(plan, sync.ReadFd, report.WriteFd, start.ReadFd, joinPidNamespaceFd);
            unsafe
            {
                return NativeMethods.Spawn(buffer.Plan);
            }
        }).ConfigureAwait(false);
        sync.CloseRead();
        report.CloseWrite();
        start.CloseRead();
        stdout.CloseWrite();
        stderr.CloseWrite();
        stdin?.CloseRead();
        return pid;
    }

    /// <summary>Checks the specification, resolves the program and compiles seccomp before anything is created; creates the cgroup.</summary>
    private async Task<(string Executable, (byte[] Program, int Count)? Seccomp, string? CgroupsPath)> PrepareAsync(RuntimeSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var process = spec.Process ?? throw new ArgumentException("The specification has no process.", nameof(spec));
        var root = spec.Root?.Path ?? throw new ArgumentException("The specification has no root.", nameof(spec));
        if (process.Args.Count == 0)
        {
            throw new InvalidContainerConfigurationException("command", "no command specified");
        }

        var executable = ExecutableResolver.Resolve(root, process.Args[0], process.Env, process.Cwd, spec.Mounts);
        Directory.CreateDirectory(InRootPath.Resolve(root, process.Cwd));
        var seccomp = spec.Linux?.Seccomp is { } profile ? SeccompCompiler.Compile(profile) : ((byte[], int)?)null;
        var cgroupsPath = spec.Linux?.CgroupsPath;
        if (cgroupsPath is not null)
        {
            await CreateCgroupAsync(cgroupsPath, spec.Linux?.Resources).ConfigureAwait(false);
            if (owner is not null && cgroupsPath.LastIndexOf('/') is > 0 and var slash)
            {
                // The per-root parent: relabelled on every create, since an emptied parent is removed and made again.
                foreach (var directory in cgroups.Directories(cgroupsPath[..slash]))
                {
                    owner.LabelCgroup(directory);
                }
            }
        }

        return (executable, seccomp, cgroupsPath);
    }

    private async Task FailIfNotSpawnedAsync(int pid, Pipe report, Pipe start, string? cgroupsPath, CancellationToken cancellationToken)
    {
        if (pid >= 0)
        {
            return;
        }

        report.Dispose();
        start.Dispose();
        await DeleteCgroupAsync(cgroupsPath, cancellationToken).ConfigureAwait(false);
        throw new ContainerStartException("clone", -pid, Errno.Name(-pid), $"creating the container's namespaces failed: {Errno.Describe(-pid)}");
    }

    /// <summary>
    /// Places the waiting child in its cgroup and user namespace, lets it run its steps, and waits for its "ready";
    /// on failure kills it, waits for <paramref name="exited"/> and removes the cgroup.
    /// </summary>
    private async Task ReleaseAsync(int pid, Task<int> exited, RuntimeSpec spec, SpawnPlan plan, Pipe sync, Pipe report, Pipe start, CancellationToken cancellationToken)
    {
        var cgroupsPath = spec.Linux?.CgroupsPath;
        try
        {
            if (cgroupsPath is not null)
            {
                cgroups.AddProcess(cgroupsPath, pid);
            }

            WriteIdMappings(pid, spec.Linux);
            Release(sync);
            // Read on this thread: the report comes within milliseconds, and a hop to another pool thread for it cost one
            // more wake-up (a scheduler slice on a loaded host) per container.
            cancellationToken.ThrowIfCancellationRequested();
            var ready = ChildReports.Read(report.ReadFd);
            if (ready is not { Kind: CnReport.Ready })
            {
                await exited.ConfigureAwait(false);
                throw ready is { } failure
                    ? ChildReports.ToException(failure, plan)
                    : new ContainerStartException("setup", 0, "EUNKNOWN", "the container process exited during setup without a report");
            }
        }
        catch
        {
            Libc.kill(pid, Signals.Kill);
            await exited.ConfigureAwait(false);
            report.Dispose();
            start.Dispose();
            await DeleteCgroupAsync(cgroupsPath, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private static unsafe int ReadInt32(int fd)
    {
        int value = 0;
        var total = 0;
        while (total < sizeof(int))
        {
            var n = Libc.read(fd, (byte*)&value + total, sizeof(int) - total);
            if (n == 0 || (n < 0 && Errno.Last != Errno.EINTR))
            {
                return 0;
            }

            total += (int)Math.Max(n, 0);
        }

        return value;
    }

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes the user namespace's ID maps while the child waits; the child's first step then runs as the mapped root.</summary>
    internal static void WriteIdMappings(int pid, RuntimeLinux? linux)
    {
        if (linux?.UidMappings is not { Count: > 0 } uids)
        {
            return;
        }

        static string Lines(IEnumerable<RuntimeIdMapping> mappings) =>
            string.Concat(mappings.Select(m => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{m.ContainerId} {m.HostId} {m.Size}\n")));

        try
        {
            File.WriteAllText($"/proc/{pid}/uid_map", Lines(uids));
            File.WriteAllText($"/proc/{pid}/gid_map", Lines(linux.GidMappings ?? uids));
        }
        catch (IOException e)
        {
            throw new ContainerStartException("writing the user namespace's ID maps", e.HResult & 0xFFFF, "EINVAL", $"writing the user namespace's ID maps failed: {e.Message}");
        }
    }

    private static unsafe void Release(Pipe sync)
    {
        byte go = 1;
        Errno.Check((int)Libc.write(sync.WriteFd, &go, 1), "releasing the container process");
    }

    public string? BootId => File.Exists(BootIdPath) ? File.ReadAllText(BootIdPath).Trim() : null;

    private const string BootIdPath = "/proc/sys/kernel/random/boot_id";

    public bool Signal(int pid, ulong startTime, int signal) =>
        IsAlive(pid, startTime) && Libc.kill(pid, signal) == 0;

    public bool IsAlive(int pid, ulong startTime) =>
        pid > 0 && ProcStat.LiveStartTime(pid) is { } actual && (startTime == 0 || actual == startTime);

    public Task PauseAsync(string cgroupsPath, CancellationToken cancellationToken = default) => cgroups.FreezeAsync(cgroupsPath, cancellationToken);

    public Task ResumeAsync(string cgroupsPath, CancellationToken cancellationToken = default) => cgroups.ThawAsync(cgroupsPath, cancellationToken);

    public Task<ContainerStats> GetStatsAsync(string cgroupsPath, CancellationToken cancellationToken = default) => Task.FromResult(cgroups.Stats(cgroupsPath));

    public Task<IReadOnlyList<ContainerProcess>> GetProcessesAsync(string cgroupsPath, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ContainerProcess>>(cgroups.Processes(cgroupsPath)
            .Select(pid => new ContainerProcess(pid, ProcStat.ParentPid(pid), ProcStat.Uid(pid), ProcStat.CommandLine(pid)))
            .ToList());

    public Task<bool> WasOomKilledAsync(string cgroupsPath, CancellationToken cancellationToken = default) => Task.FromResult(cgroups.OomKilled(cgroupsPath));

    public Task DeleteAsync(string cgroupsPath, CancellationToken cancellationToken = default) => cgroups.DeleteAsync(cgroupsPath, cancellationToken);

    /// <summary>Creates the cgroup with its limits and device rules; a rule the kernel refuses leaves no cgroup behind.</summary>
    private async Task CreateCgroupAsync(string cgroupsPath, RuntimeResources? resources)
    {
        try
        {
            cgroups.Create(cgroupsPath, resources);
        }
        catch
        {
            await DeleteCgroupAsync(cgroupsPath, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private Task DeleteCgroupAsync(string? cgroupsPath, CancellationToken cancellationToken) =>
        cgroupsPath is null ? Task.CompletedTask : cgroups.DeleteAsync(cgroupsPath, cancellationToken);

    // A sandbox is a container's cgroup, and a scope the store's parent cgroup.
    public IReadOnlyList<string> ListSandboxes(string scope) => cgroups.List(scope);

    public void RemoveScopeIfEmpty(string scope) => cgroups.RemoveIfEmpty(scope);

    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Created container {Id} as process {Pid}")]
    private static partial void LogCreated(ILogger logger, string id, int pid);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "Created detached container {Id} as process {Pid} under monitor {MonitorPid}")]
    private static partial void LogCreatedDetached(ILogger logger, string id, int pid, int monitorPid);
}
