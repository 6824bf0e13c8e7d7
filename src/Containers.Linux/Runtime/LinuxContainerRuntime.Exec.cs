using Containers.Containers;
using Containers.Linux.Interop;
using Containers.Linux.Native;
using Containers.Linux.Security;

namespace Containers.Linux.Runtime;

/// <summary>Exec: a new process born into a running container's namespaces and cgroup.</summary>
internal sealed partial class LinuxContainerRuntime
{
    public async Task<IRuntimeProcess> ExecAsync(ExecRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var spec = request.ContainerSpec;
        var process = request.Process;
        if (process.Args.Count == 0)
        {
            throw new InvalidContainerConfigurationException("command", "no command specified");
        }

        // The container's own view of its root, through its process: volumes and bind mounts included.
        var root = $"/proc/{request.ContainerPid}/root";
        using var namespaces = ContainerNamespaces.Open(request.ContainerPid, spec);
        if (!IsAlive(request.ContainerPid, request.ContainerStartTime))
        {
            throw new ContainerStartException("exec", Errno.ESRCH, "ESRCH", "the container is not running");
        }

        var executable = ExecutableResolver.Resolve(root, process.Args[0], process.Env, process.Cwd);
        var seccomp = spec.Linux?.Seccomp is { } profile ? SeccompCompiler.Compile(profile) : ((byte[], int)?)null;

        using var sync = Pipe.Create();
        var report = Pipe.Create();
        var start = Pipe.Create();
        using var stdout = Pipe.Create();
        using var stderr = Pipe.Create();
        using var stdin = request.OpenStdin ? Pipe.Create() : null;
        using var devNull = StdinSource.OpenDevNull();
        var stdio = request.Detached
            ? new StdioFds(devNull.Fd, devNull.Fd, devNull.Fd)
            : new StdioFds(stdin?.ReadFd ?? devNull.Fd, stdout.WriteFd, stderr.WriteFd);
        var plan = SpawnPlanBuilder.BuildExec(process, executable, stdio, namespaces.Joins, seccomp) with
        {
            ParentDeathSignal = request.Detached ? 0 : Signals.Kill,
        };

        var pid = await SpawnAsync(plan, sync, report, start, stdout, stderr, stdin, namespaces.PidNamespaceFd).ConfigureAwait(false);
        if (pid < 0)
        {
            report.Dispose();
            start.Dispose();
            throw new ContainerStartException("clone", -pid, Errno.Name(-pid), $"creating the exec process failed: {Errno.Describe(-pid)}");
        }

        var exit = Reaper.WaitAsync(pid);

        // The container's cgroup is not created here and must not be removed on failure: keep it out of the cleanup.
        var placement = spec with { Linux = spec.Linux is null ? null : spec.Linux with { CgroupsPath = null, UidMappings = null } };
        try
        {
            if (spec.Linux?.CgroupsPath is { } cgroupsPath)
            {
                cgroups.AddProcess(cgroupsPath, pid);
            }
        }
        catch
        {
            Libc.kill(pid, Signals.Kill);
            await exit.ConfigureAwait(false);
            report.Dispose();
            start.Dispose();
            throw;
        }

        await ReleaseAsync(pid, exit, placement, plan, sync, report, start, cancellationToken).ConfigureAwait(false);
        var barrier = new StartBarrier(plan, report, start, exit);
        var exec = new LinuxRuntimeProcess(pid, ProcStat.StartTime(pid) ?? 0, barrier, exit, stdin?.TakeWriter(), stdout.TakeReader(), stderr.TakeReader());
        try
        {
            await exec.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await exec.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return exec;
    }
}
