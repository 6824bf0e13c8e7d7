using System.Globalization;
using Containers.Containers.Security;
using Containers.Oci;
using Containers.Oci.Runtime;

namespace Containers.Containers;

/// <summary>
/// Writes a container's OCI runtime specification with Docker's defaults: namespaces, mounts, masked and read-only
/// paths, capabilities, the seccomp profile, limits. The runtime applies it; the policy lives here.
/// </summary>
internal static class ContainerSpecFactory
{
    private const ulong DefaultCpuPeriod = 100_000;

    /// <summary>Docker's masked paths; the thermal_throttle entries of each CPU are added when present.</summary>
    private static readonly string[] MaskedPaths =
    [
        "/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
    ];

    private static readonly string[] ReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

    public static RuntimeSpec Create(ContainerSpecInput input)
    {
        var options = input.Options;
        var security = SecurityOptions.Parse(options.SecurityOptions);
        var bounding = Capabilities.Compute(options.Privileged, options.CapAdd, options.CapDrop);
        var root = input.User.Uid == 0;
        var process = new RuntimeProcess
        {
            Args = input.Arguments,
            Env = CommandResolver.Environment(input.Image, options.Environment, input.Hostname, input.User.Home),
            Cwd = string.IsNullOrEmpty(options.WorkingDirectory ?? input.Image?.WorkingDir) ? "/" : (options.WorkingDirectory ?? input.Image!.WorkingDir)!,
            User = new RuntimeUser { Uid = input.User.Uid, Gid = input.User.Gid, AdditionalGids = input.User.AdditionalGids },
            Capabilities = new RuntimeCapabilities
            {
                Bounding = bounding,

                // As Docker does since 20.10: a non-root user starts with no effective or permitted capabilities.
                Effective = root ? bounding : [],
                Permitted = root ? bounding : [],
            },
            NoNewPrivileges = security.NoNewPrivileges,
            Rlimits = options.Ulimits.Select(ResourceParser.ParseUlimit).Select(u => new RuntimeRlimit { Type = u.Type, Soft = u.Soft, Hard = u.Hard }).ToList(),
        };

        if (!process.Cwd.StartsWith('/'))
        {
            throw new InvalidContainerConfigurationException("workdir", $"the working directory '{process.Cwd}' is invalid: it needs to be an absolute path");
        }

        var network = options.Network ?? "none";
        var namespaces = new List<RuntimeNamespace> { new() { Type = "pid" }, new() { Type = "ipc" }, new() { Type = "uts" }, new() { Type = "mount" } };
        if (network != "host")
        {
            namespaces.Add(new RuntimeNamespace { Type = "network" });
        }

        if (CgroupNamespace(options.CgroupNamespace))
        {
            namespaces.Add(new RuntimeNamespace { Type = "cgroup" });
        }

        var userNamespace = options.UidMappings.Count > 0;
        if (userNamespace)
        {
            namespaces.Add(new RuntimeNamespace { Type = "user" });
        }

        var gidMappings = options.GidMappings.Count > 0 ? options.GidMappings : options.UidMappings;

        return new RuntimeSpec
        {
            Process = process,
            Root = new RuntimeRoot { Path = input.RootfsPath, Readonly = options.ReadOnlyRootfs },
            Hostname = input.Hostname,
            Mounts = Mounts(input, options.Privileged),
            Linux = new RuntimeLinux
            {
                Namespaces = namespaces,
                UidMappings = userNamespace ? options.UidMappings.Select(m => new RuntimeIdMapping { ContainerId = m.ContainerId, HostId = m.HostId, Size = m.Size }).ToList() : null,
                GidMappings = userNamespace ? gidMappings.Select(m => new RuntimeIdMapping { ContainerId = m.ContainerId, HostId = m.HostId, Size = m.Size }).ToList() : null,
                CgroupsPath = input.CgroupsPath,
                Resources = Resources(options),
                Seccomp = options.Privileged || security.Unconfined ? null : security.Profile ?? DefaultSeccompProfile.Create(bounding),
                MaskedPaths = options.Privileged ? null : MaskedPaths.Concat(ThermalThrottlePaths()).ToList(),
                ReadonlyPaths = options.Privileged ? null : ReadonlyPaths,
                Sysctl = network == "host" ? null : userNamespace
                    ? new Dictionary<string, string> { ["net.ipv4.ip_unprivileged_port_start"] = "0" }
                    : new Dictionary<string, string>
                    {
                        ["net.ipv4.ip_unprivileged_port_start"] = "0",
                        ["net.ipv4.ping_group_range"] = "0 2147483647",
                    },
                Devices = RuntimeDevice.Defaults,
            },
            Annotations = new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = input.ImageName },
        };
    }

    private static List<RuntimeMount> Mounts(ContainerSpecInput input, bool privileged)
    {
        var mounts = new List<RuntimeMount>
        {
            new() { Destination = "/proc", Type = "proc", Source = "proc", Options = ["nosuid", "noexec", "nodev"] },
            new() { Destination = "/dev", Type = "tmpfs", Source = "tmpfs", Options = ["nosuid", "strictatime", "mode=755", "size=65536k"] },
            new() { Destination = "/dev/pts", Type = "devpts", Source = "devpts", Options = ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"] },
            new() { Destination = "/sys", Type = "sysfs", Source = "sysfs", Options = privileged ? ["nosuid", "noexec", "nodev"] : ["nosuid", "noexec", "nodev", "ro"] },
            new() { Destination = "/sys/fs/cgroup", Type = "cgroup", Source = "cgroup", Options = privileged ? ["nosuid", "noexec", "nodev"] : ["nosuid", "noexec", "nodev", "ro"] },
            new() { Destination = "/dev/mqueue", Type = "mqueue", Source = "mqueue", Options = ["nosuid", "noexec", "nodev"] },
            new() { Destination = "/dev/shm", Type = "tmpfs", Source = "shm", Options = ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
        };
        foreach (var (file, source) in input.EngineFiles)
        {
            mounts.Add(new RuntimeMount { Destination = file, Type = "bind", Source = source, Options = ["rbind", "rprivate"] });
        }

        Volumes.VolumeMounts.Merge(mounts, input.UserMounts);
        return mounts;
    }

    private static RuntimeResources? Resources(ContainerCreateOptions options)
    {
        if (options.Memory is < 6 * 1024 * 1024)
        {
            throw new InvalidContainerConfigurationException("memory", "Minimum memory limit allowed is 6MB");
        }

        if (options.PidsLimit is 0)
        {
            throw new InvalidContainerConfigurationException("pids-limit", "invalid --pids-limit 0: use a positive number, or -1 for unlimited");
        }

        if (options.CpuShares is < 0 or > 262144)
        {
            throw new InvalidContainerConfigurationException("cpu-shares", $"invalid --cpu-shares {options.CpuShares}: use 2 to 262144");
        }

        if (options.Cpus is { } requested && (requested <= 0 || requested > Environment.ProcessorCount))
        {
            throw new InvalidContainerConfigurationException("cpus", string.Create(CultureInfo.InvariantCulture, $"range of CPUs is from 0.01 to {Environment.ProcessorCount}.00, as there are only {Environment.ProcessorCount} CPUs available"));
        }

        var cpu = options.Cpus is null && options.CpuShares is null && options.CpusetCpus is null ? null : new RuntimeCpu
        {
            Quota = options.Cpus is { } cpus ? (long)(cpus * DefaultCpuPeriod) : null,
            Period = options.Cpus is null ? null : DefaultCpuPeriod,
            Shares = options.CpuShares is { } shares ? (ulong)shares : null,
            Cpus = options.CpusetCpus,
        };
        return new RuntimeResources
        {
            Memory = options.Memory is { } memory ? new RuntimeMemory { Limit = memory, Swap = memory } : null,
            Cpu = cpu,
            Pids = options.PidsLimit is { } pids and > 0 ? new RuntimePids { Limit = pids } : null,
            Devices = DefaultDeviceRules.For(options.Privileged),
        };
    }

    /// <summary>Tells whether the container gets its own cgroup namespace (the default, as Docker on cgroup v2).</summary>
    public static bool CgroupNamespace(string? mode) => mode switch
    {
        null or "" or "private" => true,
        "host" => false,
        _ => throw new InvalidContainerConfigurationException("cgroupns", $"invalid cgroup namespace mode '{mode}': use private or host"),
    };

    private static IEnumerable<string> ThermalThrottlePaths()
    {
        const string Cpus = "/sys/devices/system/cpu";
        return Directory.Exists(Cpus)
            ? Directory.EnumerateDirectories(Cpus, "cpu*").Select(d => d + "/thermal_throttle").Where(Directory.Exists).ToList()
            : [];
    }
}

/// <summary>Everything the spec factory needs about one container.</summary>
internal sealed record ContainerSpecInput
{
    public required ContainerCreateOptions Options { get; init; }

    public required ContainerConfiguration? Image { get; init; }

    public required string ImageName { get; init; }

    public required IReadOnlyList<string> Arguments { get; init; }

    public required ResolvedUser User { get; init; }

    public required string Hostname { get; init; }

    public required string RootfsPath { get; init; }

    public required string CgroupsPath { get; init; }

    /// <summary>Gets the files the engine provides (<c>/etc/hosts</c>, <c>/etc/hostname</c>, <c>/etc/resolv.conf</c>) and their host paths.</summary>
    public required IReadOnlyList<(string Destination, string Source)> EngineFiles { get; init; }

    /// <summary>Gets the container's volumes, bind and tmpfs mounts, with host sources resolved.</summary>
    public IReadOnlyList<RuntimeMount> UserMounts { get; init; } = [];
}
