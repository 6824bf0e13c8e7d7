using Containers.Containers;
using Containers.Containers.Security;
using Containers.Linux.Interop;
using Containers.Linux.Native;
using Containers.Oci.Runtime;
using Containers.Storage;

namespace Containers.Linux.Runtime;

/// <summary>
/// Turns a runtime specification into the child's flat plan: stdio, mounts in the new mount namespace, /dev,
/// pivot_root, masked and read-only paths, host name, limits, identity, capabilities, seccomp, working directory.
/// </summary>
/// <remarks>
/// Mount targets are resolved inside the root here, so a symbolic link in the image cannot point a mount at the host;
/// targets created by earlier steps (under the new /dev) are fresh directories the image cannot have prepared.
/// </remarks>
internal static partial class SpawnPlanBuilder
{
    /// <summary>Gets the highest capability number the kernel knows.</summary>
    private static readonly int LastCapability = int.TryParse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), out var last) ? last : 40;

    /// <summary>Gets the capabilities this process holds; a container can get no more (this machine lacks CAP_SYS_RESOURCE, for example).</summary>
    private static readonly ulong Available = ReadBoundingSet();

    private static ulong ReadBoundingSet()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapBnd:", StringComparison.Ordinal));
        return line is null ? ulong.MaxValue : Convert.ToUInt64(line[7..].Trim(), 16);
    }

    public static SpawnPlan Build(RuntimeSpec spec, string executable, StdioFds stdio, (byte[] Program, int Count)? seccomp)
    {
        var process = spec.Process ?? throw new ArgumentException("The specification has no process.", nameof(spec));
        var root = spec.Root?.Path ?? throw new ArgumentException("The specification has no root.", nameof(spec));
        var namespaces = spec.Linux?.Namespaces?.Where(n => n.Path is null).Select(n => n.Type).ToHashSet() ?? [];
        var steps = new List<SpawnStep>
        {
            SpawnStep.Dup2(stdio.Stdin, 0, "connecting standard input"),
            SpawnStep.Dup2(stdio.Stdout, 1, "connecting standard output"),
            SpawnStep.Dup2(stdio.Stderr, 2, "connecting standard error"),
            SpawnStep.SetSid(),
        };
        var inheritedClosedAt = steps.Count;

        if (namespaces.Contains("user"))
        {
            // The child keeps its host IDs, unmapped in its new namespace, until it takes the mapped root's.
            steps.Add(SpawnStep.SetGroups([]));
            steps.Add(SpawnStep.SetUid(0));

            // As runc: the IPC namespace comes after the child took the mapped root's uid but before its gid, because
            // the kernel creates its mqueue filesystem with the creator's IDs (runc's /dev/mqueue: uid 0, gid nobody).
            if (namespaces.Contains("ipc"))
            {
                steps.Add(SpawnStep.Unshare(Libc.CLONE_NEWIPC, "creating the IPC namespace"));
            }

            steps.Add(SpawnStep.SetGid(0));
        }

        if (namespaces.Contains("cgroup"))
        {
            // Only now, once the parent placed the child in its cgroups, so that they become the namespace's root.
            steps.Add(SpawnStep.Unshare(Libc.CLONE_NEWCGROUP, "creating the cgroup namespace"));
        }

        // A mount namespace joined by path is set up the same way, as runc does: the container's root is mounted in it.
        if (spec.Linux?.Namespaces?.Any(n => n.Type == "mount") == true)
        {
            AddRootfs(steps, spec, root);
        }

        if (namespaces.Contains("uts") && spec.Hostname is { Length: > 0 } hostname)
        {
            steps.Add(SpawnStep.SetHostname(hostname));
        }

        if (namespaces.Contains("uts") && spec.Domainname is { Length: > 0 } domainname)
        {
            steps.Add(SpawnStep.SetDomainName(domainname));
        }

        if (namespaces.Contains("network"))
        {
            steps.Add(SpawnStep.LoopbackUp());
        }

        foreach (var limit in process.Rlimits ?? [])
        {
            steps.Add(SpawnStep.SetRlimit(Rlimits.Number(limit.Type), limit.Soft, limit.Hard, limit.Type));
        }

        if (process.OomScoreAdj is { } oom)
        {
            steps.Add(SpawnStep.WriteFile("/proc/self/oom_score_adj", oom.ToString(System.Globalization.CultureInfo.InvariantCulture), "setting oom_score_adj"));
        }

        steps.Add(SpawnStep.Umask((int)(process.User.Umask ?? 0x12)));

        // As runc: the working directory and closing descriptors come before the filter, which a profile may make refuse
        // chdir or close_range; what follows the filter is only what the runtime cannot do earlier.
        steps.Add(SpawnStep.ChangeDirectory(process.Cwd, $"changing to the working directory {process.Cwd}"));
        steps.Add(SpawnStep.VerifyWorkingDirectory(process.Cwd));
        steps.Add(SpawnStep.CloseFrom(3));
        AddIdentity(steps, process, seccomp);
        steps.Add(SpawnStep.WaitForStart());
        MoveLateSeccompLast(steps);
        InsertCloseInherited(steps, inheritedClosedAt);

        ulong flags = 0;
        flags |= namespaces.Contains("mount") ? (ulong)Libc.CLONE_NEWNS : 0;
        flags |= namespaces.Contains("pid") ? (ulong)Libc.CLONE_NEWPID : 0;
        flags |= namespaces.Contains("uts") ? (ulong)Libc.CLONE_NEWUTS : 0;
        flags |= namespaces.Contains("ipc") && !namespaces.Contains("user") ? (ulong)Libc.CLONE_NEWIPC : 0;
        flags |= namespaces.Contains("network") ? (ulong)Libc.CLONE_NEWNET : 0;
        flags |= namespaces.Contains("user") ? (ulong)Libc.CLONE_NEWUSER : 0;
        return new SpawnPlan
        {
            CloneFlags = flags,
            Steps = steps,
            ExecutablePath = executable,
            Arguments = process.Args,
            Environment = process.Env ?? [],
        };
    }

    /// <summary>
    /// Moves the filter installed under no_new_privs to the very end, right before execve (runc sets it "as close to
    /// execve as possible"), so a profile only has to allow what the program itself does.
    /// </summary>
    internal static void MoveLateSeccompLast(List<SpawnStep> steps)
    {
        var noNewPrivileges = steps.FindIndex(s => s.Op == SpawnOp.NoNewPrivileges);
        var late = noNewPrivileges < 0 ? -1 : steps.FindIndex(noNewPrivileges, s => s.Op == SpawnOp.Seccomp);
        if (late >= 0)
        {
            var step = steps[late];
            steps.RemoveAt(late);
            steps.Add(step);
        }
    }

    /// <summary>
    /// Closes what the child inherited from the engine process before any path in the container is resolved, so no
    /// descriptor (close-on-exec or not) reaches the host through <c>/proc/self/fd</c>; keeps those later steps use.
    /// </summary>
    private static void InsertCloseInherited(List<SpawnStep> steps, int index)
    {
        var used = steps.Skip(index)
            .Where(s => s.Op is SpawnOp.SetNamespace or SpawnOp.Dup2 && s.I0 > 2)
            .Select(s => s.I0)
            .Distinct()
            .ToList();
        steps.Insert(index, SpawnStep.CloseInherited(used));
    }

    private static void AddRootfs(List<SpawnStep> steps, RuntimeSpec spec, string root)
    {
        // linux.rootfsPropagation replaces the default rslave, as in runc; a shared one must not carry the root's bind
        // mount to the host, so the mount the root lies on turns private first (runc's rootfsParentMountPrivate).
        var rootPropagation = spec.Linux?.RootfsPropagation is { Length: > 0 } named ? MountOptions.Parse([named]).Propagation : 0;
        steps.Add(SpawnStep.Mount(null, "/", null, rootPropagation != 0 ? rootPropagation : MountOptions.Slave | MountOptions.Recursive, null, "making the mounts of / private to the container"));
        if ((rootPropagation & MountOptions.Shared) != 0)
        {
            steps.Add(SpawnStep.Mount(null, HostMountPoint.Of(root), null, MountOptions.Private, null, "making the mount of the root filesystem's parent private"));
        }

        steps.Add(SpawnStep.Mount(root, root, null, MountOptions.Bind | MountOptions.Recursive, null, "bind mount of the root filesystem"));

        var childMounts = new List<(string Destination, string? BindSource)>();
        foreach (var mount in spec.Mounts ?? [])
        {
            var (target, resolved) = Target(root, mount.Destination, childMounts, steps, mount.Type == "bind" && File.Exists(mount.Source));
            var (flags, propagation, data) = MountOptions.Parse(mount.Options);
            var what = $"mount of {mount.Destination}";
            if (mount.Type == "cgroup")
            {
                CgroupMounts.Add(steps, target, flags, spec);
                childMounts.Add((resolved, null));
                continue;
            }

            if (mount.Type == "bind" || (flags & MountOptions.Bind) != 0)
            {
                steps.Add(SpawnStep.MountInRoot(mount.Source, root, resolved, null, MountOptions.Bind | (flags & MountOptions.Recursive), null, what));
                var extra = flags & ~(MountOptions.Bind | MountOptions.Recursive);
                if (extra != 0)
                {
                    steps.Add(SpawnStep.MountInRoot(null, root, resolved, null, MountOptions.Bind | MountOptions.Remount | extra, null, $"remount of {mount.Destination} with its options"));
                }
            }
            else
            {
                steps.Add(SpawnStep.MountInRoot(mount.Source ?? mount.Type, root, resolved, mount.Type, flags, data, what));
            }

            if (propagation != 0)
            {
                steps.Add(SpawnStep.MountInRoot(null, root, resolved, null, propagation, null, $"setting the propagation of {mount.Destination}"));
            }

            // Where the mount really is (a link in the image may have moved it), for the mounts that follow.
            childMounts.Add((resolved, mount.Type == "bind" && Directory.Exists(mount.Source) ? mount.Source : null));
        }

        var userNamespace = spec.Linux?.Namespaces?.Any(n => n.Type == "user") == true;
        foreach (var device in spec.Linux?.Devices ?? [])
        {
            if (userNamespace)
            {
                // A user namespace may not create device nodes; the host's own nodes are bound instead, as runc does.
                steps.Add(SpawnStep.CreateFile(root + device.Path, 0x1B6, $"creating the mount point {device.Path}"));
                steps.Add(SpawnStep.Mount(device.Path, root + device.Path, null, MountOptions.Bind, null, $"binding {device.Path}"));
                continue;
            }

            var mode = (int)((device.FileMode ?? 0x1B6) & 0xFFF) | DeviceNodes.TypeBits(device.Type);
            steps.Add(SpawnStep.MakeNode(root + device.Path, mode, (int)device.Major, (int)device.Minor, $"creating {device.Path}"));
            if (device.Uid is > 0 || device.Gid is > 0)
            {
                steps.Add(SpawnStep.Chown(root + device.Path, device.Uid ?? 0, device.Gid ?? 0, $"changing the owner of {device.Path}"));
            }
        }

        foreach (var (target, link) in DevLinks)
        {
            steps.Add(SpawnStep.Symlink(target, root + link, $"linking {link}"));
        }

        steps.Add(SpawnStep.ChangeDirectory(root, "entering the root filesystem"));
        steps.Add(SpawnStep.PivotRoot(".", "."));
        steps.Add(SpawnStep.Mount(null, ".", null, MountOptions.Slave | MountOptions.Recursive, null, "detaching the old root's mounts"));
        steps.Add(SpawnStep.Unmount(".", MountOptions.Detach, "unmounting the old root"));
        steps.Add(SpawnStep.ChangeDirectory("/", "changing to the new root"));
        if (rootPropagation != 0)
        {
            // After pivot_root, so the flag lands on the container's root and not on the host's.
            steps.Add(SpawnStep.Mount(null, "/", null, rootPropagation, null, $"setting the root's propagation to {spec.Linux!.RootfsPropagation}"));
        }

        // Kernel parameters go in before /proc/sys turns read-only.
        foreach (var (key, value) in spec.Linux?.Sysctl ?? new Dictionary<string, string>())
        {
            steps.Add(SpawnStep.WriteFile("/proc/sys/" + key.Replace('.', '/'), value, $"setting sysctl {key}={value}"));
        }

        foreach (var path in spec.Linux?.MaskedPaths ?? [])
        {
            steps.Add(IsDirectory(root, path)
                ? SpawnStep.Mount("tmpfs", path, "tmpfs", MountOptions.ReadOnly, null, $"masking {path}", ignoreMissing: true)
                : SpawnStep.Mount("/dev/null", path, null, MountOptions.Bind, null, $"masking {path}", ignoreMissing: true));
        }

        foreach (var path in spec.Linux?.ReadonlyPaths ?? [])
        {
            steps.Add(SpawnStep.Mount(path, path, null, MountOptions.Bind | MountOptions.Recursive, null, $"bind mount of {path}", ignoreMissing: true));
            steps.Add(SpawnStep.Mount(null, path, null, MountOptions.Bind | MountOptions.Remount | MountOptions.ReadOnly | LockedFlags(spec, path), null, $"making {path} read-only", ignoreMissing: true));
        }

        if (spec.Root?.Readonly == true)
        {
            steps.Add(SpawnStep.Mount(null, "/", null, MountOptions.Bind | MountOptions.Remount | MountOptions.ReadOnly, null, "making the root filesystem read-only"));
        }
    }

    /// <summary>
    /// The nosuid, nodev and noexec of the mount a read-only path lies on, which its read-only remount keeps and adds
    /// nothing to (runc takes them from statfs; the plan knows them from the mount that covers the path).
    /// </summary>
    private static ulong LockedFlags(RuntimeSpec spec, string path)
    {
        var covering = (spec.Mounts ?? [])
            .Where(m => path == m.Destination || path.StartsWith(m.Destination.TrimEnd('/') + "/", StringComparison.Ordinal))
            .MaxBy(m => m.Destination.Length);
        return covering is null ? 0 : MountOptions.Parse(covering.Options).Flags & (MountOptions.NoSuid | MountOptions.NoDev | MountOptions.NoExec);
    }

    private static readonly (string Target, string Link)[] DevLinks =
    [
        ("/proc/self/fd", "/dev/fd"), ("/proc/self/fd/0", "/dev/stdin"), ("/proc/self/fd/1", "/dev/stdout"),
        ("/proc/self/fd/2", "/dev/stderr"), ("pts/ptmx", "/dev/ptmx"),
    ];

    /// <summary>
    /// Returns the host path a mount goes to. The destination is resolved as the container will see it, through the
    /// plan's earlier mounts: symbolic links are followed inside the root and inside earlier bind mounts' sources (a
    /// link a container left in a shared volume included), never out of them. The mount point is then created in the
    /// root or in the bind source it falls in; under a fresh file system of the plan (/dev, a tmpfs) the child creates it.
    /// </summary>
    /// <returns>The host path, and the destination as the container sees it with its links resolved.</returns>
    private static (string Target, string Resolved) Target(string root, string destination, List<(string Destination, string? BindSource)> childMounts, List<SpawnStep> steps, bool isFile)
    {
        var resolved = MountPoints.ResolveInContainer(root, destination, childMounts);
        if (resolved == "/")
        {
            throw new ContainerStartException($"creating the mount point {destination}", 22, "EINVAL", $"the mount destination {destination} resolves to the container's root through symbolic links; mount somewhere else");
        }
        var parent = MountPoints.Covering(resolved, childMounts);
        if (parent.Destination is null)
        {
            return (MountPoints.Create(root, resolved, isFile), resolved);
        }

        if (parent.BindSource is { } source)
        {
            MountPoints.Create(source, resolved.Length == parent.Destination.Length ? "/" : resolved[parent.Destination.Length..], isFile);
            return (root + resolved, resolved);
        }

        steps.Add(isFile
            ? SpawnStep.CreateFile(root + resolved, 0x1A4, $"creating the mount point {destination}")
            : SpawnStep.MakeDirectory(root + resolved, 0x1ED, $"creating the mount point {destination}"));
        return (root + resolved, resolved);
    }

    /// <summary>Tells whether a masked path is a directory: /proc and /sys look the same as on the host; the rest is the image's.</summary>
    private static bool IsDirectory(string root, string path) =>
        path.StartsWith("/proc/", StringComparison.Ordinal) || path.StartsWith("/sys/", StringComparison.Ordinal)
            ? Directory.Exists(path)
            : Directory.Exists(InRootPath.Resolve(root, path));

    /// <summary>
    /// Adds the identity and privilege steps in the only order that works: drop the bounding set, install seccomp while
    /// still privileged (unless no_new_privs allows it later), change groups and user keeping capabilities, then set them.
    /// </summary>
    internal static void AddIdentity(List<SpawnStep> steps, RuntimeProcess process, (byte[] Program, int Count)? seccomp)
    {
        var caps = process.Capabilities;
        steps.Add(SpawnStep.DropBoundingCapabilities(Capabilities.Mask(caps?.Bounding) & Available, LastCapability));
        if (seccomp is { } early && !process.NoNewPrivileges)
        {
            steps.Add(SpawnStep.Seccomp(early.Program, early.Count));
        }

        steps.Add(SpawnStep.SetGroups(process.User.AdditionalGids ?? []));
        steps.Add(SpawnStep.KeepCapabilities(true));
        steps.Add(SpawnStep.SetGid(process.User.Gid));
        steps.Add(SpawnStep.SetUid(process.User.Uid));
        steps.Add(SpawnStep.KeepCapabilities(false));
        steps.Add(SpawnStep.SetCapabilities(Capabilities.Mask(caps?.Effective) & Available, Capabilities.Mask(caps?.Permitted) & Available, Capabilities.Mask(caps?.Inheritable) & Available));
        if (caps?.Ambient is { Count: > 0 } ambient)
        {
            steps.Add(SpawnStep.RaiseAmbient(Capabilities.Mask(ambient) & Available));
        }

        if (process.NoNewPrivileges)
        {
            steps.Add(SpawnStep.NoNewPrivileges());
            if (seccomp is { } late)
            {
                steps.Add(SpawnStep.Seccomp(late.Program, late.Count));
            }
        }
    }
}

/// <summary>The file descriptors the child connects to its standard streams.</summary>
internal readonly record struct StdioFds(int Stdin, int Stdout, int Stderr);
