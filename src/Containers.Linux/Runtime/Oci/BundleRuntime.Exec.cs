using Containers.Containers;
using Containers.Linux.Interop;
using Containers.Linux.Native;
using Containers.Linux.Security;
using Containers.Oci;
using Containers.Oci.Runtime;

namespace Containers.Linux.Runtime.Oci;

/// <summary><c>exec</c>: a further process in a running container, as <c>podman exec</c> asks through conmon.</summary>
internal sealed partial class BundleRuntime
{
    /// <summary>The namespaces an exec'd process joins in the child, user first so the others are joined as its root.</summary>
    private static readonly (string Spec, string Proc)[] ExecNamespaces =
    [
        ("user", "user"), ("ipc", "ipc"), ("uts", "uts"), ("network", "net"), ("cgroup", "cgroup"), ("mount", "mnt"),
    ];

    /// <summary>
    /// Runs the process described by <paramref name="processFile"/> (the runtime specification's <c>process</c> object)
    /// in the container's namespaces and cgroup with its own capabilities, seccomp filter and identity; returns its pid
    /// when detached, else waits and returns its exit status.
    /// </summary>
    public async Task<int> ExecAsync(string id, string processFile, BundleCreateOptions options, bool detach, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var record = Load(id);
        if (Status(record) != "running")
        {
            throw new OciRuntimeException($"cannot exec in a {Status(record)} container");
        }

        var process = ReadProcess(processFile);
        if (process.Args.Count == 0)
        {
            throw new OciRuntimeException("args must not be empty");
        }

        if (process.Terminal && options.ConsoleSocket is null)
        {
            throw new OciRuntimeException("cannot allocate tty if runc will detach without setting console socket");
        }

        var container = LoadBundle(record.Bundle);
        var seccomp = container.Linux?.Seccomp is { } profile ? SeccompCompiler.Compile(profile) : ((byte[], int)?)null;
        var executable = ExecutableResolver.Resolve(record.Rootfs, process.Args[0], process.Env, process.Cwd);
        var containerNamespaces = container.Linux?.Namespaces?.Select(n => n.Type).ToHashSet() ?? [];
        using var terminal = process.Terminal ? ConsoleTerminal.Open($"/proc/{record.Pid}/root") : null;
        var fds = new List<int>();
        try
        {
            var stdio = terminal?.Replica ?? -1;
            var steps = new List<SpawnStep>
            {
                SpawnStep.Dup2(stdio >= 0 ? stdio : 0, 0, "connecting standard input"),
                SpawnStep.Dup2(stdio >= 0 ? stdio : 1, 1, "connecting standard output"),
                SpawnStep.Dup2(stdio >= 0 ? stdio : 2, 2, "connecting standard error"),
            };
            if (terminal is not null)
            {
                steps.Add(SpawnStep.SetSid());
                steps.Add(new SpawnStep(SpawnOp.SetControllingTerminal, "making the terminal the controlling one") { I0 = 0 });
            }

            foreach (var (spec, proc) in ExecNamespaces)
            {
                if (!containerNamespaces.Contains(spec))
                {
                    continue;
                }

                var fd = OpenNamespace(record.Pid, proc);
                fds.Add(fd);
                steps.Add(SpawnStep.SetNamespace(fd, 0, $"joining the container's {spec} namespace"));
            }

            foreach (var limit in process.Rlimits ?? [])
            {
                steps.Add(SpawnStep.SetRlimit(Rlimits.Number(limit.Type), limit.Soft, limit.Hard, limit.Type));
            }

            steps.Add(SpawnStep.ChangeDirectory(process.Cwd, $"changing to the working directory {process.Cwd}"));
            steps.Add(SpawnStep.CloseFrom(3));
            SpawnPlanBuilder.AddIdentity(steps, process, seccomp);
            SpawnPlanBuilder.MoveLateSeccompLast(steps);
            var plan = new SpawnPlan
            {
                Steps = steps,
                ExecutablePath = executable,
                Arguments = process.Args,
                Environment = process.Env ?? [],
                ParentDeathSignal = 0,
            };

            var pidNamespace = containerNamespaces.Contains("pid") ? OpenNamespace(record.Pid, "pid") : -1;
            if (pidNamespace >= 0)
            {
                fds.Add(pidNamespace);
            }

            var pid = await SpawnExecAsync(plan, record.CgroupsPath, pidNamespace, cancellationToken).ConfigureAwait(false);
            if (terminal is not null)
            {
                terminal.CloseReplica();
                terminal.SendPrimary(options.ConsoleSocket!);
            }

            if (options.PidFile is { } pidFile)
            {
                WriteAtomically(Path.GetFullPath(pidFile), System.Text.Encoding.ASCII.GetBytes(pid.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            return detach ? 0 : await Reaper.WaitAsync(pid).ConfigureAwait(false);
        }
        finally
        {
            foreach (var fd in fds)
            {
                Libc.close(fd);
            }
        }
    }

    /// <summary>
    /// Clones the exec'd process. Its pid namespace cannot be joined by the child itself (setns on a pid namespace
    /// applies to later children only), so the spawning thread joins it just for the clone and returns to its own.
    /// </summary>
    private async Task<int> SpawnExecAsync(SpawnPlan plan, string cgroupsPath, int pidNamespace, CancellationToken cancellationToken)
    {
        using var sync = Pipe.Create();
        using var report = Pipe.Create();
        var ownPidNamespace = pidNamespace >= 0 ? Errno.Check(Libc.open("/proc/self/ns/pid", Libc.O_RDONLY | Libc.O_CLOEXEC, 0), "opening /proc/self/ns/pid") : -1;
        int pid;
        try
        {
            pid = await Spawner.RunAsync(() =>
            {
                if (pidNamespace >= 0 && Libc.setns(pidNamespace, Libc.CLONE_NEWPID) < 0)
                {
                    return -Errno.Last;
                }

                try
                {
                    using var buffer = new NativePlanBuffer(plan, sync.ReadFd, report.WriteFd, -1);
                    unsafe
                    {
                        return NativeMethods.Spawn(buffer.Plan);
                    }
                }
                finally
                {
                    if (pidNamespace >= 0)
                    {
                        Libc.setns(ownPidNamespace, Libc.CLONE_NEWPID);
                    }
                }
            }).ConfigureAwait(false);
        }
        finally
        {
            if (ownPidNamespace >= 0)
            {
                Libc.close(ownPidNamespace);
            }
        }

        sync.CloseRead();
        report.CloseWrite();
        if (pid < 0)
        {
            throw new OciRuntimeException($"starting a process in the container failed: {Errno.Describe(-pid)}");
        }

        try
        {
            cgroups.AddProcess(cgroupsPath, pid);
            WriteByte(sync.WriteFd, "releasing the exec'd process");

            // No start barrier here: the pipe closes when execve succeeds, or carries the failing step.
            var failure = await Task.Run(() => ChildReports.Read(report.ReadFd), cancellationToken).ConfigureAwait(false);
            if (failure is { } error)
            {
                throw ChildReports.ToException(error, plan);
            }

            return pid;
        }
        catch
        {
            Libc.kill(pid, Signals.Kill);
            NativeMethods.Wait(pid, out _);
            throw;
        }
    }

    private static int OpenNamespace(int pid, string name)
    {
        var path = $"/proc/{pid}/ns/{name}";
        var fd = Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        return fd >= 0 ? fd : throw new OciRuntimeException($"opening {path} failed: {Errno.Describe(Errno.Last)}");
    }

    /// <summary>Reads <c>--process</c>: the runtime specification's process object on its own.</summary>
    private static RuntimeProcess ReadProcess(string path)
    {
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OciRuntimeException($"reading the process file {path} failed: {e.Message}");
        }

        try
        {
            // The process object is parsed as a specification holding only it, reusing the specification's serializer.
            var wrapped = new byte[json.Length + 12];
            "{\"process\":"u8.CopyTo(wrapped);
            json.CopyTo(wrapped, 11);
            wrapped[^1] = (byte)'}';
            return OciSerializer.ReadRuntimeSpec(wrapped).Process ?? throw new OciRuntimeException($"the process file {path} is empty");
        }
        catch (ContainersException e) when (e is not OciRuntimeException)
        {
            throw new OciRuntimeException($"parsing the process file {path}: {e.Message}");
        }
    }
}
