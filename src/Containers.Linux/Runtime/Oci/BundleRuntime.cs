using System.Text.Json;
using System.Text.RegularExpressions;
using Containers.Containers;
using Containers.Linux.Cgroups;
using Containers.Linux.Interop;
using Containers.Linux.Native;
using Containers.Linux.Security;
using Containers.Oci;
using Containers.Oci.Runtime;
using Containers.Storage;

namespace Containers.Linux.Runtime.Oci;

/// <summary>
/// Runs OCI bundles the way runc does, for engines that drive a runtime through its command line: <c>create</c> leaves
/// the container waiting on <c>exec.fifo</c> in its state directory and exits; <c>start</c> writes one byte into that
/// FIFO; <c>state</c>, <c>kill</c> and <c>delete</c> find the container from its state file alone.
/// </summary>
/// <remarks>
/// Unlike the in-process runtime the container outlives the creating process (no parent-death signal; an engine's
/// monitor such as conmon is a subreaper and adopts it) and gets the creator's own standard streams.
/// </remarks>
internal sealed partial class BundleRuntime(string stateRoot, ICgroupManager cgroups)
{
    /// <summary>The state directory runc would use, under our own name.</summary>
    public const string DefaultRoot = "/run/containers-runtime";

    private const string FifoName = "exec.fifo";
    private const string StateName = "state.json";
    private const string HookStateName = "hook-state.json";
    private const string DefaultCgroupParent = "containers-runtime";

    /// <summary>The namespaces joinable by path, in the order runc 1.1 joins them, user first (pid only moves where children are born: see cn_spawn).</summary>
    private static readonly (string Type, int Flag)[] JoinableNamespaces =
    [
        ("user", Libc.CLONE_NEWUSER), ("ipc", Libc.CLONE_NEWIPC), ("uts", Libc.CLONE_NEWUTS), ("network", Libc.CLONE_NEWNET), ("pid", Libc.CLONE_NEWPID),
        ("mount", Libc.CLONE_NEWNS), ("cgroup", Libc.CLONE_NEWCGROUP),
    ];

    /// <summary>Creates the container from the bundle and leaves it waiting for <see cref="Start"/>; returns its pid.</summary>
    public async Task<int> CreateAsync(string id, string bundle, BundleCreateOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateId(id);
        bundle = Path.GetFullPath(bundle);
        var spec = LoadBundle(bundle);
        var hooks = OciHooks.Load(Path.Combine(bundle, "config.json"));
        BundleChecks.RefuseUnsupported(Path.Combine(bundle, "config.json"), spec, cgroups.Version);
        var process = spec.Process!;
        if (process.Terminal && options.ConsoleSocket is null)
        {
            throw new OciRuntimeException("cannot allocate tty if runc will detach without setting console socket");
        }

        var cgroupsPath = CgroupsPath(id, spec.Linux?.CgroupsPath);
        Directory.CreateDirectory(stateRoot);
        var directory = StateDirectory(id);
        if (Libc.mkdirat(Libc.AT_FDCWD, directory, 0x1C0) < 0)
        {
            throw Errno.Last == Errno.EEXIST
                ? new OciRuntimeException($"container with id exists: {id}")
                : new OciRuntimeException($"creating the state directory {directory} failed: {Errno.Describe(Errno.Last)}");
        }

        var joined = new List<int>();
        var cgroupCreated = false;
        var spawned = 0;
        using var terminal = process.Terminal ? ConsoleTerminal.Open() : null;
        try
        {
            var root = spec.Root!.Path;
            if (process.Args.Count == 0)
            {
                throw new OciRuntimeException("args must not be empty");
            }

            var executable = ExecutableResolver.Resolve(root, process.Args[0], process.Env, process.Cwd, spec.Mounts);
            Directory.CreateDirectory(InRootPath.Resolve(root, process.Cwd));
            var seccomp = spec.Linux?.Seccomp is { } profile ? SeccompCompiler.Compile(profile) : ((byte[], int)?)null;
            var joins = JoinNamespaces(spec, joined, out var pidNamespace);

            cgroups.Create(cgroupsPath, spec.Linux?.Resources);
            cgroupCreated = true;
            if (cgroups.Version == 1)
            {
                NamedCgroupHierarchies.Create(cgroupsPath);
                MemoryCgroupExtras.Apply(Path.Combine(bundle, "config.json"), cgroupsPath, CgroupDetector.DefaultRoot);
                spec = CgroupMountRewriter.Rewrite(spec, cgroupsPath, CgroupDetector.DefaultRoot);
            }

            var fifoPath = Path.Combine(directory, FifoName);
            Errno.Check(Libc.mknodat(Libc.AT_FDCWD, fifoPath, Libc.S_IFIFO | 0x180, 0), "creating " + fifoPath);

            // Read-write, so opening does not wait for a writer; the child inherits it and blocks reading it until start.
            var fifo = Errno.Check(Libc.open(fifoPath, Libc.O_RDWR | Libc.O_CLOEXEC, 0), "opening " + fifoPath);
            try
            {
                if (terminal is not null)
                {
                    spec = WithConsole(spec, terminal.ReplicaPath);
                }

                var stdio = terminal is null ? new StdioFds(0, 1, 2) : new StdioFds(terminal.Replica, terminal.Replica, terminal.Replica);
                var plan = SpawnPlanBuilder.Build(spec, executable, stdio, seccomp);
                var steps = plan.Steps.ToList();
                if (terminal is not null)
                {
                    // After setsid the child has no terminal; its stdin (the replica) becomes its controlling one.
                    steps.Insert(steps.FindIndex(s => s.Op == SpawnOp.SetSid) + 1, new SpawnStep(SpawnOp.SetControllingTerminal, "making the terminal the controlling one") { I0 = 0 });
                }

                var hookState = Path.Combine(directory, HookStateName);
                if (hooks.NeedsChildSteps)
                {
                    InsertHookSteps(steps, hooks, hookState);
                }

                plan = plan with { ParentDeathSignal = 0, Steps = [.. joins, .. steps] };
                if (UserNamespaceJoined(spec))
                {
                    plan = InJoinedUserNamespace(plan, joins.Count, spec);
                }

                var pid = await SpawnAsync(plan, UserNamespaceJoined(spec) ? null : spec.Linux, cgroupsPath, fifo, pidNamespace, childPid =>
                {
                    // The container's namespaces exist and its root is mounted, before pivot_root: the runtime's hooks run now.
                    spawned = childPid;
                    var state = HookState(id, "creating", childPid, bundle, root, spec.Annotations);
                    File.WriteAllBytes(hookState, state);
                    OciHooks.Run(hooks.CreateRuntime, "createRuntime", state);
                    OciHooks.Run(hooks.Prestart, "prestart", state);
                }, cancellationToken).ConfigureAwait(false);
                if (terminal is not null)
                {
                    terminal.CloseReplica();
                    terminal.SendPrimary(options.ConsoleSocket!);
                }

                var record = new OciStateRecord
                {
                    Id = id,
                    OciVersion = spec.OciVersion,
                    Pid = pid,
                    StartTime = ProcStat.StartTime(pid) ?? 0,
                    Bundle = bundle,
                    Rootfs = root,
                    CgroupsPath = cgroupsPath,
                    Created = DateTimeOffset.UtcNow,
                    Annotations = spec.Annotations,
                };
                WriteAtomically(Path.Combine(directory, StateName), JsonSerializer.SerializeToUtf8Bytes(record, OciStateJsonContext.Default.OciStateRecord));
                if (options.PidFile is { } pidFile)
                {
                    WriteAtomically(Path.GetFullPath(pidFile), System.Text.Encoding.ASCII.GetBytes(pid.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }

                return pid;
            }
            finally
            {
                Libc.close(fifo);
            }
        }
        catch
        {
            if (cgroupCreated)
            {
                await cgroups.DeleteAsync(cgroupsPath, CancellationToken.None).ConfigureAwait(false);
                RemoveNamedCgroups(cgroupsPath);
            }

            Directory.Delete(directory, recursive: true);

            // A create that got as far as its hooks is stopped and deleted: the spec runs poststop after that.
            if (spawned > 0)
            {
                OciHooks.RunWarning(hooks.Poststop, "poststop", HookState(id, "stopped", 0, bundle, spec.Root!.Path, spec.Annotations));
            }

            throw;
        }
        finally
        {
            foreach (var fd in joined)
            {
                Libc.close(fd);
            }
        }
    }

    /// <summary>Creates and starts the container; unless detached, waits for it, removes it and returns its exit status.</summary>
    public async Task<int> RunAsync(string id, string bundle, BundleCreateOptions options, bool detach, CancellationToken cancellationToken = default)
    {
        var pid = await CreateAsync(id, bundle, options, cancellationToken).ConfigureAwait(false);
        try
        {
            Start(id);
        }
        catch
        {
            await DeleteAsync(id, force: true, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        if (detach)
        {
            return 0;
        }

        // This process cloned the container, so it is its parent and collects the exit status.
        var status = await Reaper.WaitAsync(pid).ConfigureAwait(false);
        await DeleteAsync(id, force: true, CancellationToken.None).ConfigureAwait(false);
        return status;
    }

    /// <summary>Clones the child, places it in its cgroup and user namespace, releases it and waits for its ready report.</summary>
    private async Task<int> SpawnAsync(SpawnPlan plan, RuntimeLinux? linux, string cgroupsPath, int startFd, int pidNamespace, Action<int> onHooks, CancellationToken cancellationToken)
    {
        using var sync = Pipe.Create();
        using var report = Pipe.Create();
        var pid = await Spawner.RunAsync(() =>
        {
            using var buffer = new NativePlanBuffer(plan, sync.ReadFd, report.WriteFd, startFd, pidNamespace);
            unsafe
            {
                return NativeMethods.Spawn(buffer.Plan);
            }
        }).ConfigureAwait(false);
        sync.CloseRead();
        report.CloseWrite();
        if (pid < 0)
        {
            throw new ContainerStartException("clone", -pid, Errno.Name(-pid), $"creating the container's namespaces failed: {Errno.Describe(-pid)}");
        }

        try
        {
            cgroups.AddProcess(cgroupsPath, pid);
            if (cgroups.Version == 1)
            {
                NamedCgroupHierarchies.Join(cgroupsPath, pid);
            }
            LinuxContainerRuntime.WriteIdMappings(pid, linux);
            WriteByte(sync.WriteFd, "releasing the container process");

            var ready = await Task.Run(() => ChildReports.Read(report.ReadFd), cancellationToken).ConfigureAwait(false);
            if (ready is { Kind: CnReport.Reborn } reborn)
            {
                // The child handed over to its clone in a new pid namespace (a sibling: this process's child too) and exited.
                NativeMethods.Wait(pid, out _);
                pid = reborn.Errno;
                ready = await Task.Run(() => ChildReports.Read(report.ReadFd), cancellationToken).ConfigureAwait(false);
            }

            if (ready is { Kind: CnReport.Hooks })
            {
                await Task.Run(() => onHooks(pid), cancellationToken).ConfigureAwait(false);
                WriteByte(sync.WriteFd, "releasing the container process after the hooks");
                ready = await Task.Run(() => ChildReports.Read(report.ReadFd), cancellationToken).ConfigureAwait(false);
            }

            if (ready is not { Kind: CnReport.Ready })
            {
                throw ready is { } failure
                    ? ChildReports.ToException(failure, plan)
                    : new ContainerStartException("setup", 0, "EUNKNOWN", "the container process exited during setup without a report");
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

    /// <summary>Releases a created container into its program.</summary>
    public void Start(string id)
    {
        var record = Load(id);
        switch (Status(record))
        {
            case "running":
                throw new OciRuntimeException("cannot start an already running container");
            case "stopped":
                throw new OciRuntimeException("cannot start a container that has stopped");
            case "paused":
                throw new OciRuntimeException("cannot start a container in the paused state");
        }

        var fifoPath = Path.Combine(StateDirectory(id), FifoName);
        var hookState = Path.Combine(StateDirectory(id), HookStateName);
        if (File.Exists(hookState))
        {
            // In place: the container's startContainer hooks read this same file through the descriptor they hold.
            using var file = new FileStream(hookState, FileMode.Truncate, FileAccess.Write);
            file.Write(HookState(id, "created", record.Pid, record.Bundle, record.Rootfs, record.Annotations));
        }

        // Non-blocking: with no reader left (the child died) the open fails with ENXIO instead of hanging.
        var fd = Libc.open(fifoPath, Libc.O_WRONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            throw new OciRuntimeException(Errno.Last == 6 ? "cannot start a container that has stopped" : $"opening {fifoPath} failed: {Errno.Describe(Errno.Last)}");
        }

        try
        {
            WriteByte(fd, "writing " + fifoPath);
        }
        finally
        {
            Libc.close(fd);
        }

        File.Delete(fifoPath);
        var hooks = OciHooks.Load(Path.Combine(record.Bundle, "config.json"));
        OciHooks.RunWarning(hooks.Poststart, "poststart", HookState(id, "running", record.Pid, record.Bundle, record.Rootfs, record.Annotations));
    }

    /// <summary>Returns the container's state as the runtime specification defines it.</summary>
    public OciStateOutput State(string id)
    {
        var record = Load(id);
        var status = Status(record);
        return new OciStateOutput
        {
            OciVersion = record.OciVersion ?? "1.2.0",
            Id = record.Id,
            Status = status,
            Pid = status == "stopped" ? 0 : record.Pid,
            Bundle = record.Bundle,
            Rootfs = record.Rootfs,
            Created = record.Created,
            Annotations = record.Annotations ?? new Dictionary<string, string>(),
        };
    }

    /// <summary>Sends a signal to the container's process, or with <paramref name="all"/> to every process of its cgroup.</summary>
    public void Kill(string id, int signal, bool all)
    {
        var record = Load(id);
        if (all)
        {
            foreach (var pid in cgroups.Processes(record.CgroupsPath))
            {
                Libc.kill(pid, signal);
            }

            return;
        }

        if (Status(record) == "stopped" || Libc.kill(record.Pid, signal) < 0)
        {
            throw OciRuntimeException.NotRunning(id);
        }
    }

    /// <summary>Removes a stopped (or created, or with <paramref name="force"/> any) container: its processes, cgroup and state.</summary>
    public async Task DeleteAsync(string id, bool force, CancellationToken cancellationToken = default)
    {
        ValidateId(id);
        var directory = StateDirectory(id);
        if (!File.Exists(Path.Combine(directory, StateName)))
        {
            // A create that died before writing its state leaves only the directory; runc removes it the same way.
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            if (!force)
            {
                throw OciRuntimeException.NotFound(id);
            }

            return;
        }

        var record = Load(id);
        var status = Status(record);
        // As runc: created and stopped containers go without --force; a running or paused one stays, with an error.
        if (status is "running" or "paused" && !force)
        {
            throw new OciRuntimeException($"cannot delete container {id} that is not stopped: {status}");
        }

        if (status != "stopped")
        {
            if (status == "paused")
            {
                // A frozen process does not die of SIGKILL until it thaws.
                await cgroups.ThawAsync(record.CgroupsPath, cancellationToken).ConfigureAwait(false);
            }

            Libc.kill(record.Pid, Signals.Kill);
            for (var waited = 0; IsAlive(record); waited += 10)
            {
                if (waited >= 10_000)
                {
                    throw new OciRuntimeException($"container {id} (pid {record.Pid}) did not exit after SIGKILL; it may be stuck in the kernel (state {ProcStat.State(record.Pid)}), try delete again later");
                }

                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }
        }

        await cgroups.DeleteAsync(record.CgroupsPath, cancellationToken).ConfigureAwait(false);
        RemoveNamedCgroups(record.CgroupsPath);
        Directory.Delete(directory, recursive: true);
        var hooks = OciHooks.Load(Path.Combine(record.Bundle, "config.json"));
        OciHooks.RunWarning(hooks.Poststop, "poststop", HookState(id, "stopped", 0, record.Bundle, record.Rootfs, record.Annotations));
    }

    private string StateDirectory(string id) => Path.Combine(stateRoot, id);

    private void RemoveNamedCgroups(string cgroupsPath)
    {
        if (cgroups.Version == 1)
        {
            NamedCgroupHierarchies.Remove(cgroupsPath);
        }
    }

    private OciStateRecord Load(string id)
    {
        ValidateId(id);
        byte[] json;
        try
        {
            json = File.ReadAllBytes(Path.Combine(StateDirectory(id), StateName));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw OciRuntimeException.NotFound(id);
        }

        return JsonSerializer.Deserialize(json, OciStateJsonContext.Default.OciStateRecord)
            ?? throw new OciRuntimeException($"the state of container {id} is empty; remove it with delete --force");
    }

    private string Status(OciStateRecord record) =>
        !IsAlive(record) ? "stopped"
        : IsFrozen(record) ? "paused"
        : File.Exists(Path.Combine(StateDirectory(record.Id), FifoName)) ? "created"
        : "running";

    /// <summary>Alive means the same process (same start time) and not a zombie waiting for its parent.</summary>
    private static bool IsAlive(OciStateRecord record) =>
        ProcStat.StartTime(record.Pid) == record.StartTime && ProcStat.State(record.Pid) is not ('Z' or 'X' or null);

    [GeneratedRegex(@"^[\w+\-.]+$")]
    private static partial Regex IdPattern();

    private static void ValidateId(string id)
    {
        if (string.IsNullOrEmpty(id) || id is "." or ".." || !IdPattern().IsMatch(id))
        {
            throw new OciRuntimeException($"invalid id format: {id}");
        }
    }

    /// <summary>Reads <c>config.json</c>, resolves the root against the bundle and adds the devices every container gets.</summary>
    private static RuntimeSpec LoadBundle(string bundle)
    {
        var configPath = Path.Combine(bundle, "config.json");
        if (!File.Exists(configPath))
        {
            throw new OciRuntimeException($"JSON specification file config.json not found in bundle {bundle}");
        }

        RuntimeSpec spec;
        try
        {
            spec = OciSerializer.ReadRuntimeSpec(File.ReadAllBytes(configPath));
        }
        catch (ContainersException e)
        {
            throw new OciRuntimeException($"parsing {configPath}: {e.Message}");
        }

        if (spec.Process is null)
        {
            throw new OciRuntimeException("process property must not be empty");
        }

        if (spec.Root?.Path is not { Length: > 0 } rootPath)
        {
            throw new OciRuntimeException("root.path must be set in config.json");
        }

        var root = Path.GetFullPath(rootPath, bundle);
        if (!Directory.Exists(root))
        {
            throw new OciRuntimeException($"rootfs ({root}) does not exist");
        }

        // The kernel refuses an ambient capability that is not also permitted and inheritable; runc skips those with a warning.
        if (spec.Process.Capabilities is { Ambient: { Count: > 0 } ambient } caps)
        {
            var allowed = ambient.Where(c => caps.Permitted?.Contains(c) == true && caps.Inheritable?.Contains(c) == true).ToList();
            spec = spec with { Process = spec.Process with { Capabilities = caps with { Ambient = allowed } } };
        }

        var linux = spec.Linux ?? new RuntimeLinux();
        var devices = (linux.Devices ?? []).ToList();
        devices.AddRange(RuntimeDevice.Defaults.Where(d => devices.All(existing => existing.Path != d.Path)));

        // As runc: the nodes the runtime creates are allowed after the bundle's own device rules, or even mknod of /dev/null fails.
        if (linux.Resources?.Devices is { Count: > 0 } rules)
        {
            var allowed = rules.Concat(devices.Where(d => d.Type is "c" or "b").Select(d => new RuntimeDeviceRule { Allow = true, Type = d.Type, Major = d.Major, Minor = d.Minor, Access = "rwm" })).ToList();
            linux = linux with { Resources = linux.Resources with { Devices = allowed } };
        }

        return spec with { Root = spec.Root with { Path = root }, Linux = linux with { Devices = devices } };
    }

    /// <summary>Binds the terminal to /dev/console, which the runtime specification asks for when process.terminal is set.</summary>
    private static RuntimeSpec WithConsole(RuntimeSpec spec, string replicaPath) =>
        spec with
        {
            Mounts = [.. spec.Mounts ?? [], new RuntimeMount { Destination = "/dev/console", Type = "bind", Source = replicaPath, Options = ["bind"] }],
        };

    /// <summary>
    /// Opens the namespaces the specification names by path; the child joins them first, in runc's order. A pid namespace
    /// is joined by the spawning thread instead (<paramref name="pidNamespace"/>): setns there only moves where children are born.
    /// </summary>
    private static List<SpawnStep> JoinNamespaces(RuntimeSpec spec, List<int> opened, out int pidNamespace)
    {
        var steps = new List<SpawnStep>();
        pidNamespace = 0;
        var byPath = (spec.Linux?.Namespaces ?? []).Where(n => n.Path is not null).ToList();
        foreach (var ns in byPath.Where(n => JoinableNamespaces.All(j => j.Type != n.Type)))
        {
            throw new OciRuntimeException($"joining an existing {ns.Type} namespace ({ns.Path}) is not supported by containers-runtime; let it create a new one");
        }

        foreach (var (type, flag) in JoinableNamespaces)
        {
            if (byPath.FirstOrDefault(n => n.Type == type) is not { Path: { } path })
            {
                continue;
            }

            var fd = Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
            if (fd < 0)
            {
                throw new OciRuntimeException($"opening the {type} namespace {path} failed: {Errno.Describe(Errno.Last)}");
            }

            opened.Add(fd);
            if (type == "pid")
            {
                pidNamespace = fd;
                continue;
            }

            steps.Add(SpawnStep.SetNamespace(fd, flag, $"joining the {type} namespace {path}"));
        }

        return steps;
    }

    /// <summary>Reads /proc/PID/setgroups for a namespace given as /proc/PID/ns/user (the form engines pass); other paths count as allowed.</summary>
    private static bool SetgroupsDenied(string userNamespace)
    {
        var parts = userNamespace.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts is not ["proc", var pid, "ns", "user"])
        {
            return false;
        }

        try
        {
            return File.ReadAllText($"/proc/{pid}/setgroups").Trim() == "deny";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool UserNamespaceJoined(RuntimeSpec spec) => spec.Linux?.Namespaces?.Any(n => n.Type == "user" && n.Path is not null) == true;

    /// <summary>
    /// Moves the creation of the new namespaces from the clone to right after the joins, as runc unshares them after
    /// setns: created by the clone they would belong to the host's user namespace, over which the joined one has no say.
    /// </summary>
    private static SpawnPlan InJoinedUserNamespace(SpawnPlan plan, int joins, RuntimeSpec spec)
    {
        const ulong Created = 0x00020000 | 0x04000000 | 0x08000000 | 0x40000000;
        const ulong NewPid = 0x20000000;
        var flags = plan.CloneFlags & Created;
        var steps = plan.Steps.ToList();

        // As runc: where the namespace's owner denied setgroups (unprivileged ones must), supplementary groups are left as they are.
        var path = spec.Linux!.Namespaces!.First(n => n.Type == "user").Path!;
        if (SetgroupsDenied(path))
        {
            steps.RemoveAll(s => s.Op == SpawnOp.SetGroups);
        }

        if ((plan.CloneFlags & NewPid) != 0)
        {
            // A new pid namespace only holds children: the child clones its successor into it, as runc's stage 2.
            steps.Insert(joins, SpawnStep.ClonePidNamespace());
        }

        if (flags != 0)
        {
            steps.Insert(joins, SpawnStep.Unshare((int)flags, "creating the container's namespaces in the joined user namespace"));
        }

        return plan with { CloneFlags = plan.CloneFlags & ~(Created | NewPid), Steps = steps };
    }

    /// <summary>
    /// Adds the hook points to the child's plan: before pivot_root it pauses for the runtime's createRuntime and prestart
    /// hooks, then runs createContainer hooks itself (host paths still resolve, in the container's namespaces); after the
    /// start signal it runs startContainer hooks, before the late seccomp filter and execve.
    /// </summary>
    private static void InsertHookSteps(List<SpawnStep> steps, OciHooks hooks, string hookState)
    {
        var pivot = steps.FindIndex(s => s.Op == SpawnOp.PivotRoot);
        var at = pivot > 0 ? pivot - 1 : steps.FindIndex(s => s.Op == SpawnOp.Umask);
        var before = new List<SpawnStep> { SpawnStep.AwaitParent("waiting for the createRuntime and prestart hooks") };
        if (hooks.CreateContainer.Count + hooks.StartContainer.Count > 0)
        {
            before.Add(SpawnStep.OpenHookState(hookState));
        }

        before.AddRange(hooks.CreateContainer.Select((h, i) => SpawnStep.RunHook(h.Path, h.Args, h.Env, h.Timeout ?? 0, $"running createContainer hook #{i} ({h.Path})")));
        steps.InsertRange(at, before);
        var wait = steps.FindIndex(s => s.Op == SpawnOp.WaitForStart);
        steps.InsertRange(wait + 1, hooks.StartContainer.Select((h, i) => SpawnStep.RunHook(h.Path, h.Args, h.Env, h.Timeout ?? 0, $"running startContainer hook #{i} ({h.Path})")));
    }

    /// <summary>The state the specification passes to hooks on their standard input.</summary>
    private static byte[] HookState(string id, string status, int pid, string bundle, string rootfs, IReadOnlyDictionary<string, string>? annotations) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new OciStateOutput { Id = id, Status = status, Pid = pid, Bundle = bundle, Rootfs = rootfs, Annotations = annotations ?? new Dictionary<string, string>() },
            OciStateJsonContext.Default.OciStateOutput);

    /// <summary>Turns the specification's cgroupsPath (cgroupfs form) into a path under the hierarchy root.</summary>
    private static string CgroupsPath(string id, string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return $"{DefaultCgroupParent}/{id}";
        }

        if (path.Contains(':', StringComparison.Ordinal))
        {
            throw new OciRuntimeException($"cgroupsPath {path} is in systemd's slice:prefix:name form, but containers-runtime only manages cgroupfs paths; use podman --cgroup-manager cgroupfs");
        }

        var relative = path.Trim('/');
        if (relative.Length == 0 || relative.Split('/').Any(part => part is "." or ".."))
        {
            throw new OciRuntimeException($"invalid cgroupsPath {path}");
        }

        return relative;
    }

    private static unsafe void WriteByte(int fd, string operation)
    {
        byte value = 0;
        Errno.Check((int)Libc.write(fd, &value, 1), operation);
    }

    private static void WriteAtomically(string path, byte[] content)
    {
        var temporary = path + ".tmp-" + Environment.ProcessId;
        File.WriteAllBytes(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>The options of <c>create</c> beyond the bundle.</summary>
internal sealed record BundleCreateOptions
{
    /// <summary>Gets the file to write the container's pid to.</summary>
    public string? PidFile { get; init; }

    /// <summary>Gets the AF_UNIX socket a terminal's master end would be sent to.</summary>
    public string? ConsoleSocket { get; init; }
}
