namespace Containers.Containers;

/// <summary>
/// Configures a new container, as the flags of <c>docker create</c> and <c>docker run</c> do. Unset values take the image's
/// defaults (command, entrypoint, environment, user, working directory) or Docker's.
/// </summary>
public sealed record ContainerCreateOptions
{
    /// <summary>Gets the image name or ID.</summary>
    public required string Image { get; init; }

    /// <summary>Gets the container's name; a random name is chosen when <see langword="null"/>.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the command, replacing the image's <c>CMD</c>.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>Gets the entrypoint, replacing the image's <c>ENTRYPOINT</c> (and clearing its <c>CMD</c>, as Docker does); an empty list clears it.</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }

    /// <summary>Gets environment variables as <c>NAME=value</c>, added to (and overriding) the image's.</summary>
    public IReadOnlyList<string> Environment { get; init; } = [];

    /// <summary>Gets the working directory, replacing the image's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Gets the user (<c>name</c>, <c>uid</c>, <c>uid:gid</c>, <c>name:group</c>), replacing the image's.</summary>
    public string? User { get; init; }

    /// <summary>Gets the host name; the default is the first 12 characters of the container ID.</summary>
    public string? Hostname { get; init; }

    /// <summary>Gets labels, added to the image's.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets a value indicating whether the container is removed when its process exits (<c>--rm</c>).</summary>
    public bool AutoRemove { get; init; }

    /// <summary>
    /// Gets a value indicating whether the container is detached (<c>docker run -d</c>): a small monitor process parents
    /// it, writes its log and records its exit, so it outlives the process that started it and any process using the
    /// same root can stop it, exec into it and read its logs. Otherwise it dies with the starting process.
    /// </summary>
    public bool Detached { get; init; }

    /// <summary>Gets a value indicating whether the root filesystem is mounted read-only.</summary>
    public bool ReadOnlyRootfs { get; init; }

    /// <summary>Gets a value indicating whether the container gets every capability, no seccomp filter, and unmasked /proc and /sys.</summary>
    public bool Privileged { get; init; }

    /// <summary>Gets capabilities added to the default set (<c>NET_ADMIN</c> or <c>CAP_NET_ADMIN</c>; <c>ALL</c>).</summary>
    public IReadOnlyList<string> CapAdd { get; init; } = [];

    /// <summary>Gets capabilities removed from the default set (<c>ALL</c> removes every one).</summary>
    public IReadOnlyList<string> CapDrop { get; init; } = [];

    /// <summary>Gets security options: <c>no-new-privileges</c>, <c>seccomp=unconfined</c>, <c>seccomp=PROFILE.json</c>.</summary>
    public IReadOnlyList<string> SecurityOptions { get; init; } = [];

    /// <summary>Gets the memory limit in bytes; <see langword="null"/> is unlimited.</summary>
    public long? Memory { get; init; }

    /// <summary>Gets the number of CPUs the container may use (1.5 = one and a half); <see langword="null"/> is unlimited.</summary>
    public double? Cpus { get; init; }

    /// <summary>Gets the relative CPU weight (cgroup v1 shares, default 1024).</summary>
    public long? CpuShares { get; init; }

    /// <summary>Gets the CPUs the container may run on (<c>0-1,3</c>).</summary>
    public string? CpusetCpus { get; init; }

    /// <summary>Gets the process-count limit; <see langword="null"/> is unlimited.</summary>
    public long? PidsLimit { get; init; }

    /// <summary>Gets resource limits as <c>name=soft[:hard]</c> (<c>nofile=1024:2048</c>).</summary>
    public IReadOnlyList<string> Ulimits { get; init; } = [];

    /// <summary>Gets the restart policy; the default is never.</summary>
    public RestartPolicy RestartPolicy { get; init; } = RestartPolicy.No;

    /// <summary>Gets when the image is pulled: only when the store lacks it (the default), always, or never; pulling needs a registry client (<c>AddRegistryClient()</c>).</summary>
    public PullPolicy PullPolicy { get; init; } = PullPolicy.Missing;

    /// <summary>Gets a value indicating whether standard input stays open for the caller to write (<c>-i</c>).</summary>
    public bool OpenStdin { get; init; }

    /// <summary>Gets the signal <c>stop</c> sends first; the default is the image's <c>STOPSIGNAL</c>, else SIGTERM.</summary>
    public string? StopSignal { get; init; }

    /// <summary>Gets how long <c>stop</c> waits before SIGKILL; the default is 10 seconds.</summary>
    public TimeSpan? StopTimeout { get; init; }

    /// <summary>
    /// Gets user ID mappings for a private user namespace, as podman's <c>--uidmap container:host:size</c>; empty keeps
    /// the host's user namespace. With mappings, root in the container is an unprivileged user on the host.
    /// </summary>
    public IReadOnlyList<IdMapping> UidMappings { get; init; } = [];

    /// <summary>Gets group ID mappings for the private user namespace; the default, when only user mappings are given, mirrors them.</summary>
    public IReadOnlyList<IdMapping> GidMappings { get; init; } = [];

    /// <summary>
    /// Gets the network mode: <c>bridge</c> (the default network), <c>none</c> (loopback only), <c>host</c> or the name of a
    /// user-defined network, on which containers resolve each other's names. When <see langword="null"/>, the engine's
    /// <see cref="Hosting.ContainersOptions.DefaultNetwork"/> applies: <c>bridge</c> unless configured otherwise.
    /// </summary>
    public string? Network { get; init; }

    /// <summary>
    /// Gets volumes, bind mounts and tmpfs mounts (<c>-v</c>, <c>--mount</c>, <c>--tmpfs</c>; parse them with
    /// <see cref="Volumes.MountSpecParser"/>). Named volumes are created on first use; the image's <c>VOLUME</c> paths get
    /// anonymous volumes unless mounted here.
    /// </summary>
    public IReadOnlyList<Volumes.ContainerMount> Mounts { get; init; } = [];

    /// <summary>Gets ports to publish on the host (<c>-p</c>); they need a bridge network.</summary>
    public IReadOnlyList<Networks.PortBinding> PortBindings { get; init; } = [];

    /// <summary>Gets further names other containers on a user-defined network resolve this one by (<c>--network-alias</c>).</summary>
    public IReadOnlyList<string> NetworkAliases { get; init; } = [];

    /// <summary>
    /// Gets extra <c>/etc/hosts</c> entries as <c>NAME:ADDRESS</c> (<c>--add-host</c>). The address <c>host-gateway</c>
    /// stands for the host as the container reaches it: its network's gateway, or loopback in host mode.
    /// </summary>
    public IReadOnlyList<string> ExtraHosts { get; init; } = [];

    /// <summary>Gets the name servers for <c>/etc/resolv.conf</c> instead of the host's (<c>--dns</c>).</summary>
    public IReadOnlyList<string> Dns { get; init; } = [];

    /// <summary>Gets the search domains for <c>/etc/resolv.conf</c> instead of the host's (<c>--dns-search</c>).</summary>
    public IReadOnlyList<string> DnsSearch { get; init; } = [];

    /// <summary>Gets the resolver options for <c>/etc/resolv.conf</c> instead of the host's (<c>--dns-option</c>).</summary>
    public IReadOnlyList<string> DnsOptions { get; init; } = [];

    /// <summary>Gets the cgroup namespace mode: <c>private</c> (the default: the container sees its own cgroup as <c>/</c>) or <c>host</c>.</summary>
    public string? CgroupNamespace { get; init; }

    /// <summary>
    /// Gets the log options of Docker's <c>json-file</c> driver (<c>--log-opt</c>): <c>max-size</c> (bytes, or with a
    /// <c>k</c>, <c>m</c> or <c>g</c> suffix) and <c>max-file</c> (how many files to keep, the current one included).
    /// The default is <see cref="LogRotation.Default"/>: 20 MB per file, 5 files, as Docker's <c>local</c> driver.
    /// </summary>
    public IReadOnlyDictionary<string, string> LogOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Gets the health check, overriding the image's <c>HEALTHCHECK</c> field by field (<c>--health-cmd</c>,
    /// <c>--health-interval</c>, ...); null keeps the image's.
    /// </summary>
    public HealthCheckConfig? HealthCheck { get; init; }

    /// <summary>Gets a value indicating whether the image's health check is disabled (<c>--no-healthcheck</c>).</summary>
    public bool NoHealthCheck { get; init; }
}
