namespace Containers.Containers.Security;

/// <summary>Names Linux capabilities and computes a container's set from Docker's defaults and <c>--cap-add</c>/<c>--cap-drop</c>.</summary>
public static class Capabilities
{
    /// <summary>Gets every capability the kernel defines, in number order (<c>CAP_CHOWN</c> is 0).</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
        "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
        "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
        "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    /// <summary>Gets Docker's default set for containers (moby's <c>DefaultCapabilities</c>).</summary>
    public static IReadOnlyList<string> DockerDefault { get; } =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    /// <summary>Returns a capability's number, accepting <c>NET_ADMIN</c> or <c>CAP_NET_ADMIN</c> in any case.</summary>
    /// <exception cref="InvalidContainerConfigurationException">The name is not a capability.</exception>
    public static int Number(string name)
    {
        var index = All.ToList().IndexOf(Normalize(name));
        return index >= 0 ? index : throw new InvalidContainerConfigurationException("capabilities", $"unknown capability: \"{name}\"");
    }

    /// <summary>Returns <c>CAP_NAME</c> in upper case.</summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var upper = name.Trim().ToUpperInvariant();
        return upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper : "CAP_" + upper;
    }

    /// <summary>Applies <c>--cap-drop</c> then <c>--cap-add</c> to Docker's defaults (or to every capability when privileged), as Docker does.</summary>
    /// <exception cref="InvalidContainerConfigurationException">A name is not a capability.</exception>
    public static IReadOnlyList<string> Compute(bool privileged, IReadOnlyList<string> add, IReadOnlyList<string> drop)
    {
        ArgumentNullException.ThrowIfNull(add);
        ArgumentNullException.ThrowIfNull(drop);
        if (privileged)
        {
            return All;
        }

        var set = new List<string>(DockerDefault);
        foreach (var name in drop)
        {
            if (Normalize(name) == "CAP_ALL")
            {
                set.Clear();
                continue;
            }

            Number(name);
            set.Remove(Normalize(name));
        }

        foreach (var name in add)
        {
            if (Normalize(name) == "CAP_ALL")
            {
                set = [.. All];
                continue;
            }

            Number(name);
            if (!set.Contains(Normalize(name)))
            {
                set.Add(Normalize(name));
            }
        }

        return set;
    }

    /// <summary>Returns the capabilities as a bit mask (bit N is capability N).</summary>
    public static ulong Mask(IEnumerable<string>? names) =>
        names?.Aggregate(0UL, (mask, name) => mask | (1UL << Number(name))) ?? 0UL;
}
