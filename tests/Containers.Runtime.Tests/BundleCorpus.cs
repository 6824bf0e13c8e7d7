using System.Text.Json.Nodes;

namespace Containers.Runtime.Tests;

/// <summary>
/// Bundles from <c>runc spec</c> with one variation each, over every field of config.json, whose process prints what
/// a container can observe of its configuration: identity and capabilities from /proc/self/status, limits, working
/// directory, host and domain names, mounts (point, options, propagation, type), device nodes, cgroup files,
/// sysctls, masked and read-only paths. Run under ours and under runc, the outputs and exit statuses must match.
/// </summary>
internal static class BundleCorpus
{
    /// <summary>The probe, for busybox sh; every line is normalised to what does not depend on the runtime's own paths.</summary>
    public const string Probe = """
        echo "id uid=$(id -u) gid=$(id -g) groups=$(id -G)"
        grep -E '^(Umask|NoNewPrivs|Seccomp|Seccomp_filters|CapInh|CapPrm|CapEff|CapBnd|CapAmb|Groups):' /proc/self/status
        echo "cwd=$(pwd) host=$(hostname) domain=$(cat /proc/sys/kernel/domainname) oom=$(cat /proc/self/oom_score_adj)"
        grep -E '^Max (open files|processes|core file size)' /proc/self/limits
        awk '{o=""; for(i=7;$i!="-";i++){split($i,a,":"); o=o" "a[1]}; print "mount", $5, $6, o, $(i+1)}' /proc/self/mountinfo | sort
        for f in /dev/* /dev/pts/* /dev/shm /dev/mqueue; do stat -c 'dev %n %F %a %u %g %t %T' "$f"; done 2>&1
        for f in memory/memory.limit_in_bytes memory/memory.soft_limit_in_bytes memory/memory.swappiness memory/memory.oom_control cpu/cpu.shares cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us cpuset/cpuset.cpus pids/pids.max; do echo "cg $f=$(cat /sys/fs/cgroup/$f 2>/dev/null | tr '\n' ' ')"; done
        for k in net/ipv4/ip_forward kernel/shmmax kernel/msgmax; do echo "sysctl $k=$(cat /proc/sys/$k 2>&1)"; done
        echo "masked kcore=$(wc -c < /proc/kcore 2>&1) keys=$(head -c 1 /proc/keys 2>/dev/null | wc -c) firmware=$(ls /sys/firmware 2>&1 | wc -l)"
        touch /probe-root 2>/dev/null; echo "write root=$?"
        touch /tmp/probe 2>/dev/null; echo "write tmp=$?"
        touch /proc/sys/kernel/hostname 2>/dev/null; echo "write procsys=$?"
        mkdir /tmp/probe-dir 2>/dev/null; echo "mkdir=$?"
        echo "ns $(ls /proc/self/ns | tr '\n' ' ')"
        [ $$ = 1 ] && echo "pid=1" || echo "pid=not-1"
        exit ${EXIT_WITH:-0}
        """;

    /// <summary>Gets every variation: a name and the edit applied to <c>runc spec</c>'s config.json (whose args run <see cref="Probe"/>).</summary>
    public static IReadOnlyList<(string Name, Action<JsonObject> Edit)> Variations(string hostDirectory) =>
    [
        ("default", _ => { }),
        ("exit-status", c => Env(c, "EXIT_WITH=7")),
        ("env", c => Env(c, "FOO=bar", "EMPTY=")),
        ("cwd-tmp", c => Process(c)["cwd"] = "/tmp"),
        ("cwd-created", c => Process(c)["cwd"] = "/made/by/runtime"),
        ("user-1000", c => Process(c)["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 }),
        ("user-groups", c => Process(c)["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 100, ["additionalGids"] = new JsonArray(10, 20, 30) }),
        ("umask", c => Process(c)["user"] = new JsonObject { ["uid"] = 0, ["gid"] = 0, ["umask"] = 63 }),
        ("rlimits", c => Process(c)["rlimits"] = new JsonArray(Rlimit("RLIMIT_NOFILE", 512, 1024), Rlimit("RLIMIT_NPROC", 200, 300), Rlimit("RLIMIT_CORE", 0, 0))),
        ("caps-none", c => Process(c)["capabilities"] = new JsonObject()),
        ("caps-chown", c => Process(c)["capabilities"] = Caps(["CAP_CHOWN"], ambient: false)),
        ("caps-many-ambient", c => Process(c)["capabilities"] = Caps(["CAP_CHOWN", "CAP_NET_ADMIN", "CAP_SYS_ADMIN", "CAP_SETUID", "CAP_SETGID"], ambient: true)),
        ("caps-user-ambient", c =>
        {
            Process(c)["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 };
            Process(c)["capabilities"] = Caps(["CAP_NET_BIND_SERVICE", "CAP_KILL"], ambient: true);
        }),
        ("nnp-false", c => Process(c)["noNewPrivileges"] = false),
        ("oom-score", c => Process(c)["oomScoreAdj"] = 123),
        ("root-readonly", c => c["root"]!["readonly"] = true),
        ("root-readwrite", c => c["root"]!["readonly"] = false),
        ("mount-tmpfs-options", c => Mount(c, "/tmp", "tmpfs", "tmpfs", "nosuid", "nodev", "noexec", "mode=1777", "size=1m")),
        ("mount-tmpfs-ro", c => Mount(c, "/mnt", "tmpfs", "tmpfs", "ro", "nosuid")),
        ("mount-bind", c => Mount(c, "/host", "bind", hostDirectory, "rbind", "rw")),
        ("mount-bind-ro", c => Mount(c, "/host", "bind", hostDirectory, "bind", "ro", "nosuid", "nodev")),
        ("mount-bind-private", c => Mount(c, "/host", "bind", hostDirectory, "rbind", "rprivate")),
        ("mount-bind-noexec-type-none", c => Mount(c, "/host", "none", hostDirectory, "bind", "noexec")),
        ("mount-mqueue-dropped", c => c["mounts"] = new JsonArray(c["mounts"]!.AsArray().Where(m => m!["destination"]!.GetValue<string>() != "/dev/mqueue").Select(m => m!.DeepClone()).ToArray())),
        ("mount-sys-rw", c => c["mounts"] = new JsonArray(c["mounts"]!.AsArray().Select(m => m!["destination"]!.GetValue<string>() == "/sys" ? new JsonObject { ["destination"] = "/sys", ["type"] = "sysfs", ["source"] = "sysfs", ["options"] = new JsonArray("nosuid", "noexec", "nodev") } : m!.DeepClone()).ToArray())),
        ("rootfs-propagation-shared", c => Linux(c)["rootfsPropagation"] = "shared"),
        ("rootfs-propagation-slave", c => Linux(c)["rootfsPropagation"] = "slave"),
        ("rootfs-propagation-private", c => Linux(c)["rootfsPropagation"] = "private"),
        ("rootfs-propagation-unbindable", c => Linux(c)["rootfsPropagation"] = "unbindable"),
        ("hostname", c => c["hostname"] = "corpus-host"),
        ("domainname", c => { c["hostname"] = "h"; c["domainname"] = "corpus.example"; }),
        ("ns-no-network", c => DropNamespace(c, "network")),
        ("ns-no-ipc", c => DropNamespace(c, "ipc")),
        ("ns-cgroup", c => Linux(c)["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "cgroup" })),
        ("ns-no-pid", c => DropNamespace(c, "pid")),
        ("devices", c => Linux(c)["devices"] = new JsonArray(
            Device("/dev/corpus-fifo", "p", 0, 0, 420, 0, 0),
            Device("/dev/corpus-null", "c", 1, 3, 384, 1000, 1001),
            Device("/dev/corpus-loop", "b", 7, 200, 432, 0, 6),
            Device("/dev/corpus-zero", "u", 1, 5, 438, 0, 0))),
        ("resources-memory", c => Resources(c)["memory"] = new JsonObject { ["limit"] = 64L << 20, ["reservation"] = 32L << 20, ["swappiness"] = 10 }),
        ("resources-oom-killer", c => Resources(c)["memory"] = new JsonObject { ["limit"] = 64L << 20, ["disableOOMKiller"] = true }),
        ("resources-cpu", c => Resources(c)["cpu"] = new JsonObject { ["shares"] = 512, ["quota"] = 50000, ["period"] = 100000, ["cpus"] = "0" }),
        ("resources-pids", c => Resources(c)["pids"] = new JsonObject { ["limit"] = 50 }),
        ("resources-net-cls", c => Resources(c)["network"] = new JsonObject { ["classID"] = 1048577 }),
        ("resources-hugetlb", c => Resources(c)["hugepageLimits"] = new JsonArray(new JsonObject { ["pageSize"] = "2MB", ["limit"] = 2097152 })),
        ("sysctl", c => Linux(c)["sysctl"] = new JsonObject { ["net.ipv4.ip_forward"] = "1", ["kernel.shmmax"] = "123456789", ["kernel.msgmax"] = "4096" }),
        ("masked-none", c => Linux(c)["maskedPaths"] = new JsonArray()),
        ("masked-extra", c => Linux(c)["maskedPaths"] = new JsonArray("/proc/kcore", "/proc/keys", "/sys/firmware", "/etc/hostname")),
        ("readonly-extra", c => Linux(c)["readonlyPaths"] = new JsonArray("/proc/sys", "/tmp")),
        ("seccomp-deny-mkdir", c => { Process(c)["noNewPrivileges"] = true; Linux(c)["seccomp"] = Seccomp("mkdir", "mkdirat"); }),
        ("seccomp-deny-close-range-nnp", c => Linux(c)["seccomp"] = Seccomp("close_range")),
        ("seccomp-deny-close-range", c => { Process(c)["noNewPrivileges"] = false; Linux(c)["seccomp"] = Seccomp("close_range"); }),
        ("hooks-prestart-fails", c => c["hooks"] = new JsonObject { ["prestart"] = new JsonArray(new JsonObject { ["path"] = "/bin/false" }) }),
        ("hooks-poststart-fails", c => c["hooks"] = new JsonObject { ["poststart"] = new JsonArray(new JsonObject { ["path"] = "/bin/false" }) }),
        ("caps-outside-bounding", c => Process(c)["capabilities"] = Caps(["CAP_SYS_RESOURCE"], ambient: false)),
        ("userns", c =>
        {
            Linux(c)["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "user" });
            Linux(c)["uidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 100000, ["size"] = 65536 });
            Linux(c)["gidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 100000, ["size"] = 65536 });
            c["mounts"] = new JsonArray(c["mounts"]!.AsArray().Where(m => m!["type"]!.GetValue<string>() is not "cgroup" and not "sysfs").Select(m => m!.DeepClone()).ToArray());
        }),
    ];

    private static JsonObject Process(JsonObject c) => c["process"]!.AsObject();

    private static JsonObject Linux(JsonObject c) => c["linux"]!.AsObject();

    private static JsonObject Resources(JsonObject c) => Linux(c)["resources"]!.AsObject();

    private static void Env(JsonObject c, params string[] entries)
    {
        foreach (var entry in entries)
        {
            Process(c)["env"]!.AsArray().Add(entry);
        }
    }

    private static JsonObject Rlimit(string type, long soft, long hard) => new() { ["type"] = type, ["soft"] = soft, ["hard"] = hard };

    private static JsonObject Caps(string[] names, bool ambient)
    {
        JsonArray List() => new(names.Select(n => (JsonNode)n).ToArray());
        var caps = new JsonObject { ["bounding"] = List(), ["effective"] = List(), ["permitted"] = List(), ["inheritable"] = List() };
        if (ambient)
        {
            caps["ambient"] = List();
        }

        return caps;
    }

    private static void Mount(JsonObject c, string destination, string type, string source, params string[] options) =>
        c["mounts"]!.AsArray().Add(new JsonObject { ["destination"] = destination, ["type"] = type, ["source"] = source, ["options"] = new JsonArray(options.Select(o => (JsonNode)o).ToArray()) });

    private static void DropNamespace(JsonObject c, string type) =>
        Linux(c)["namespaces"] = new JsonArray(Linux(c)["namespaces"]!.AsArray().Where(n => n!["type"]!.GetValue<string>() != type).Select(n => n!.DeepClone()).ToArray());

    private static JsonObject Device(string path, string type, int major, int minor, int mode, int uid, int gid) =>
        new() { ["path"] = path, ["type"] = type, ["major"] = major, ["minor"] = minor, ["fileMode"] = mode, ["uid"] = uid, ["gid"] = gid };

    private static JsonObject Seccomp(params string[] denied) => new()
    {
        ["defaultAction"] = "SCMP_ACT_ALLOW",
        ["architectures"] = new JsonArray("SCMP_ARCH_X86_64"),
        ["syscalls"] = new JsonArray(new JsonObject { ["names"] = new JsonArray(denied.Select(n => (JsonNode)n).ToArray()), ["action"] = "SCMP_ACT_ERRNO", ["errnoRet"] = 1 }),
    };
}
