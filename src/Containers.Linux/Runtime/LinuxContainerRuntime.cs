using Containers.Containers;
using Containers.Linux.Cgroups;
using Containers.Linux.Interop;
using Containers.Linux.Native;
using Containers.Linux.Security;
using Containers.Oci.Runtime;
using Microsoft.Extensions.Logging;

namespace Containers.Linux.Runtime;

/// <summary>
/// Runs containers with the native spawn helper: C# compiles the specification into a plan, the helper clones into
/// the namespaces and runs it; cgroup placement happens while the child waits, before its first step.
/// </summary>
internal sealed partial class LinuxContainerRuntime(ICgroupManager cgroups, ILogger<LinuxContainerRuntime> logger) : IContainerRuntime
{
    public async Task<IRuntimeProcess> CreateAsync(string containerId, RuntimeSpec spec, bool openStdin, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var process = spec.Process ?? throw new ArgumentException("The specification has no process.", nameof(spec));
        var root = spec.Root?.Path ?? throw new ArgumentException("The specification has no root.", nameof(spec));
        if (process.Args.Count == 0)
        {
            throw new InvalidContainerConfigurationException("command", "no command specified");
        }

        var executable = ExecutableResolver.Resolve(root, process.Args[0], process.Env, process.Cwd);
        Directory.CreateDirectory(Internal.InRootPath.Resolve(root, process.Cwd));
        var seccomp = spec.Linux?.Seccomp is { } profile ? SeccompCompiler.Compile(profile) : ((byte[], int)?)null;
        var cgroupsPath = spec.Linux?.CgroupsPath;
        if (cgroupsPath is not null)
        {
            await CreateCgroupAsync(cgroupsPath, spec.Linux?.Resources).ConfigureAwait(false);
        }

        using var sync = Pipe.Create();
        var report = Pipe.Create();
        var start = Pipe.Create();
        using var stdout = Pipe.Create();
        using var stderr = Pipe.Create();
        using var stdin = openStdin ? Pipe.Create() : null;
        var devNull = openStdin ? -1 : Errno.Check(Libc.open("/dev/null", Libc.O_RDONLY | Libc.O_CLOEXEC, 0), "opening /dev/null");
        var plan = SpawnPlanBuilder.Build(spec, executable, new StdioFds(stdin?.ReadFd ?? devNull, stdout.WriteFd, stderr.WriteFd), seccomp);

        var pid = await Spawner.RunAsync(() =>
        {
            using var buffer = new NativePlanBuffer(plan, sync.ReadFd, report.WriteFd, start.ReadFd);
            unsafe
            {
                return NativeMethods.Spawn(buffer.Plan);
            }
        }).ConfigureAwait(false);

        // The child has its own copies now; the parent keeps only its ends.
        sync.CloseRead();
        report.CloseWrite();
        start.CloseRead();
        stdout.CloseWrite();
        stderr.CloseWrite();
        stdin?.CloseRead();
        if (devNull >= 0)
        {
            Libc.close(devNull);
        }

        if (pid < 0)
        {
            report.Dispose();
            start.Dispose();
            await DeleteCgroupAsync(cgroupsPath, cancellationToken).ConfigureAwait(false);
            throw new ContainerStartException("clone", -pid, Errno.Name(-pid), $"creating the container's namespaces failed: {Errno.Describe(-pid)}");
        }

        var exit = Reaper.WaitAsync(pid);
        try
        {
            if (cgroupsPath is not null)
            {
                cgroups.AddProcess(cgroupsPath, pid);
            }

            WriteIdMappings(pid, spec.Linux);
            Release(sync);
            var ready = await Task.Run(() => ChildReports.Read(report.ReadFd), cancellationToken).ConfigureAwait(false);
            if (ready is not { Kind: CnReport.Ready })
            {
                await exit.ConfigureAwait(false);
                throw ready is { } failure
                    ? ChildReports.ToException(failure, plan)
                    : new ContainerStartException("setup", 0, "EUNKNOWN", "the container process exited during setup without a report");
            }
        }
        catch
        {
            Libc.kill(pid, Signals.Kill);
            await exit.ConfigureAwait(false);
            report.Dispose();
            start.Dispose();
            await DeleteCgroupAsync(cgroupsPath, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        LogCreated(logger, containerId, pid);
        return new LinuxRuntimeProcess(pid, ProcStat.StartTime(pid) ?? 0, plan, report, start, exit, stdin?.TakeWriter(), stdout.TakeReader(), stderr.TakeReader());
    }

    /// <summary>Writes the user namespace's ID maps while the child waits; the child's first step then runs as the mapped root.</summary>
    private static void WriteIdMappings(int pid, RuntimeLinux? linux)
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

    public bool Signal(int pid, ulong startTime, int signal) =>
        IsAlive(pid, startTime) && Libc.kill(pid, signal) == 0;

    public bool IsAlive(int pid, ulong startTime) =>
        pid > 0 && ProcStat.StartTime(pid) is { } actual && (startTime == 0 || actual == startTime);

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

    public IReadOnlyList<string> ListCgroups(string parent) => cgroups.List(parent);

    public void RemoveCgroupIfEmpty(string cgroupsPath) => cgroups.RemoveIfEmpty(cgroupsPath);

    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Created container {Id} as process {Pid}")]
    private static partial void LogCreated(ILogger logger, string id, int pid);
}
