namespace Containers.Linux.Native;

/// <summary>
/// One syscall the child runs between clone and execve, with the words that describe it when it fails
/// ("mount of /proc"). Factory methods document which fields each operation uses.
/// </summary>
internal sealed record SpawnStep(SpawnOp Op, string Description)
{
    public int I0 { get; init; }

    public int I1 { get; init; }

    public int I2 { get; init; }

    public ulong U0 { get; init; }

    public ulong U1 { get; init; }

    public string? S0 { get; init; }

    public string? S1 { get; init; }

    public string? S2 { get; init; }

    public string? S3 { get; init; }

    /// <summary>Gets raw bytes passed by pointer (a seccomp program, file content, a group list).</summary>
    public byte[]? Buffer { get; init; }

    /// <summary>Gets the count that goes with <see cref="Buffer"/> (instructions, bytes, groups), or a third mask.</summary>
    public ulong N0 { get; init; }

    public static SpawnStep Mount(string? source, string target, string? type, ulong flags, string? data, string description, bool ignoreMissing = false) =>
        new(SpawnOp.Mount, description) { S0 = source, S1 = target, S2 = type, U0 = flags, S3 = data, I2 = ignoreMissing ? 1 : 0 };

    /// <summary>
    /// A mount onto <paramref name="root"/> + <paramref name="destination"/> that the child resolves inside the root with
    /// the kernel's help and mounts through a descriptor, so no link swapped in after planning can move it outside.
    /// </summary>
    public static SpawnStep MountInRoot(string? source, string root, string destination, string? type, ulong flags, string? data, string description) =>
        Mount(source, root + destination, type, flags, data, description) with { I1 = System.Text.Encoding.UTF8.GetByteCount(root) };

    public static SpawnStep Unmount(string target, int flags, string description) =>
        new(SpawnOp.Unmount, description) { S0 = target, I0 = flags };

    public static SpawnStep MakeDirectory(string path, int mode, string description) =>
        new(SpawnOp.MakeDirectory, description) { S0 = path, I0 = mode, I2 = 1 };

    public static SpawnStep Symlink(string target, string link, string description) =>
        new(SpawnOp.Symlink, description) { S0 = target, S1 = link, I2 = 1 };

    public static SpawnStep MakeNode(string path, int mode, int major, int minor, string description) =>
        new(SpawnOp.MakeNode, description) { S0 = path, I0 = mode, I1 = major, U0 = (ulong)minor };

    public static SpawnStep CreateFile(string path, int mode, string description) =>
        new(SpawnOp.CreateFile, description) { S0 = path, I0 = mode, I2 = 1 };

    public static SpawnStep ChangeDirectory(string path, string description) => new(SpawnOp.ChangeDirectory, description) { S0 = path };

    public static SpawnStep PivotRoot(string newRoot, string putOld) => new(SpawnOp.PivotRoot, "pivot_root into the container's root") { S0 = newRoot, S1 = putOld };

    public static SpawnStep SetHostname(string name) => new(SpawnOp.SetHostname, $"setting the host name to {name}") { S0 = name };

    public static SpawnStep SetDomainName(string name) => new(SpawnOp.SetDomainName, $"setting the domain name to {name}") { S0 = name };

    public static SpawnStep SetRlimit(int resource, ulong soft, ulong hard, string name) =>
        new(SpawnOp.SetRlimit, $"setting {name} to {soft}:{hard}") { I0 = resource, U0 = soft, U1 = hard };

    public static SpawnStep SetGroups(IReadOnlyList<uint> groups)
    {
        var bytes = new byte[groups.Count * 4];
        for (var i = 0; i < groups.Count; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), groups[i]);
        }

        return new(SpawnOp.SetGroups, $"setting supplementary groups to [{string.Join(",", groups)}]") { Buffer = bytes, N0 = (ulong)groups.Count };
    }

    public static SpawnStep SetGid(uint gid) => new(SpawnOp.SetGid, $"setting the group to {gid}") { I0 = (int)gid };

    public static SpawnStep SetUid(uint uid) => new(SpawnOp.SetUid, $"setting the user to {uid}") { I0 = (int)uid };

    public static SpawnStep DropBoundingCapabilities(ulong keep, int lastCapability) =>
        new(SpawnOp.DropBoundingCapabilities, "dropping capabilities from the bounding set") { U0 = keep, I0 = lastCapability };

    public static SpawnStep SetCapabilities(ulong effective, ulong permitted, ulong inheritable) =>
        new(SpawnOp.SetCapabilities, "setting capabilities") { U0 = effective, U1 = permitted, N0 = inheritable };

    public static SpawnStep RaiseAmbient(ulong ambient) => new(SpawnOp.RaiseAmbientCapabilities, "raising ambient capabilities") { U0 = ambient };

    public static SpawnStep KeepCapabilities(bool keep) => new(SpawnOp.KeepCapabilities, "keeping capabilities across the user change") { I0 = keep ? 1 : 0 };

    public static SpawnStep NoNewPrivileges() => new(SpawnOp.NoNewPrivileges, "setting no_new_privs");

    public static SpawnStep Seccomp(byte[] program, int instructions) =>
        new(SpawnOp.Seccomp, "installing the seccomp filter") { Buffer = program, N0 = (ulong)instructions };

    public static SpawnStep WriteFile(string path, string content, string description) =>
        new(SpawnOp.WriteFile, description) { S0 = path, Buffer = System.Text.Encoding.UTF8.GetBytes(content), N0 = (ulong)System.Text.Encoding.UTF8.GetByteCount(content) };

    public static SpawnStep Dup2(int from, int to, string description) => new(SpawnOp.Dup2, description) { I0 = from, I1 = to };

    public static SpawnStep SetSid() => new(SpawnOp.SetSid, "creating a session");

    public static SpawnStep CloseFrom(int first) => new(SpawnOp.CloseFrom, "closing inherited file descriptors") { I0 = first };

    /// <summary>Closes every descriptor from 3 up except the plan's report and start pipes and <paramref name="keep"/> (used by later steps).</summary>
    public static SpawnStep CloseInherited(IReadOnlyList<int> keep)
    {
        var bytes = new byte[keep.Count * 4];
        for (var i = 0; i < keep.Count; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), keep[i]);
        }

        return new(SpawnOp.CloseInherited, "closing the descriptors the container inherited") { Buffer = bytes, N0 = (ulong)keep.Count };
    }

    /// <summary>Fails unless the working directory is reachable from the root (a directory outside it reads "(unreachable)").</summary>
    public static SpawnStep VerifyWorkingDirectory(string path) =>
        new(SpawnOp.VerifyWorkingDirectory, $"checking that the working directory {path} is inside the container") { S0 = path };

    public static SpawnStep Unshare(int flags, string description) => new(SpawnOp.Unshare, description) { I0 = flags };

    /// <summary>Continues the plan in a clone that is pid 1 of a new pid namespace owned by the current user namespace (see CN_CLONE_PIDNS).</summary>
    public static SpawnStep ClonePidNamespace() => new(SpawnOp.ClonePidNamespace, "creating the pid namespace in the joined user namespace");

    public static SpawnStep LoopbackUp() => new(SpawnOp.LoopbackUp, "bringing the loopback interface up");

    public static SpawnStep WaitForStart() => new(SpawnOp.WaitForStart, "waiting for the start signal");

    public static SpawnStep Umask(int mask) => new(SpawnOp.Umask, "setting the umask") { I0 = mask };

    public static SpawnStep SetNamespace(int fd, int type, string description) => new(SpawnOp.SetNamespace, description) { I0 = fd, I1 = type };

    /// <summary>Reports a pause point to the runtime and waits for its go-ahead on the sync pipe (it runs its hooks meanwhile).</summary>
    public static SpawnStep AwaitParent(string description) => new(SpawnOp.AwaitParent, description);

    /// <summary>Opens the state JSON that later <see cref="RunHook"/> steps pass on the hooks' standard input.</summary>
    public static SpawnStep OpenHookState(string path) => new(SpawnOp.OpenHookState, $"opening the hooks' state {path}") { S0 = path };

    /// <summary>Runs a hook from inside the container; it fails the step when it exits non-zero or outlives <paramref name="timeoutSeconds"/> (0: no limit).</summary>
    public static SpawnStep RunHook(string path, IReadOnlyList<string> args, IReadOnlyList<string> env, int timeoutSeconds, string description)
    {
        var text = string.Concat(args.Concat(env).Select(a => a + "\0"));
        return new(SpawnOp.RunHook, description)
        {
            S0 = path,
            I0 = args.Count,
            I1 = env.Count,
            I2 = timeoutSeconds,
            Buffer = System.Text.Encoding.UTF8.GetBytes(text),
            N0 = (ulong)System.Text.Encoding.UTF8.GetByteCount(text),
        };
    }

    public static SpawnStep Chown(string path, uint uid, uint gid, string description) =>
        new(SpawnOp.Chown, description) { S0 = path, I0 = (int)uid, I1 = (int)gid };
}
