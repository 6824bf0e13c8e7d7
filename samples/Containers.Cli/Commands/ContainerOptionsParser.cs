using Containers.Cli.Cli;
using Containers.Containers;

namespace Containers.Cli.Commands;

/// <summary>The flags of <c>run</c> and <c>create</c>, and their translation into <see cref="ContainerCreateOptions"/>.</summary>
internal static class ContainerOptionsParser
{
    public static IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.Value("name", null, "string", "Assign a name to the container"),
        OptionSpec.Value("env", 'e', "list", "Set environment variables"),
        OptionSpec.Value("workdir", 'w', "string", "Working directory inside the container"),
        OptionSpec.Value("user", 'u', "string", "Username or UID (format: <name|uid>[:<group|gid>])"),
        OptionSpec.Value("entrypoint", null, "string", "Overwrite the default ENTRYPOINT of the image"),
        OptionSpec.Value("hostname", 'h', "string", "Container host name"),
        OptionSpec.Value("label", 'l', "list", "Set meta data on a container"),
        OptionSpec.Value("log-opt", null, "list", "Log driver options (max-size, max-file)"),
        OptionSpec.Value("memory", 'm', "bytes", "Memory limit"),
        OptionSpec.Value("cpus", null, "decimal", "Number of CPUs"),
        OptionSpec.Value("cpu-shares", 'c', "int", "CPU shares (relative weight)"),
        OptionSpec.Value("cpuset-cpus", null, "string", "CPUs in which to allow execution (0-3, 0,1)"),
        OptionSpec.Value("pids-limit", null, "int", "Tune container pids limit (set -1 for unlimited)"),
        OptionSpec.Value("ulimit", null, "ulimit", "Ulimit options"),
        OptionSpec.Flag("read-only", null, "Mount the container's root filesystem as read only"),
        OptionSpec.Value("cap-add", null, "list", "Add Linux capabilities"),
        OptionSpec.Value("cap-drop", null, "list", "Drop Linux capabilities"),
        OptionSpec.Flag("privileged", null, "Give extended privileges to this container"),
        OptionSpec.Value("security-opt", null, "list", "Security Options"),
        OptionSpec.Value("restart", null, "string", "Restart policy to apply when a container exits"),
        OptionSpec.Value("pull", null, "string", "Pull image before running (\"always\", \"missing\", \"never\") (default \"missing\")"),
        OptionSpec.Value("stop-signal", null, "string", "Signal to stop the container"),
        OptionSpec.Value("stop-timeout", null, "int", "Timeout (in seconds) to stop a container"),
        OptionSpec.Value("network", null, "string", "Connect a container to a network (none, host, bridge or a network's name)"),
        OptionSpec.Value("publish", 'p', "list", "Publish a container's port(s) to the host ([ip:][hostPort:]containerPort[/proto])"),
        OptionSpec.Value("network-alias", null, "list", "Add network-scoped alias for the container"),
        OptionSpec.Value("add-host", null, "list", "Add a custom host-to-IP mapping (host:ip, or host:host-gateway)"),
        OptionSpec.Value("dns", null, "list", "Set custom DNS servers"),
        OptionSpec.Value("dns-search", null, "list", "Set custom DNS search domains"),
        OptionSpec.Value("dns-option", null, "list", "Set DNS options"),
        OptionSpec.Value("cgroupns", null, "string", "Cgroup namespace to use (private, host)"),
        OptionSpec.Value("uidmap", null, "container:host:size", "Run in a user namespace with this UID mapping"),
        OptionSpec.Value("gidmap", null, "container:host:size", "GID mapping for the user namespace (default: as --uidmap)"),
        OptionSpec.Flag("interactive", 'i', "Keep STDIN open even if not attached"),
        OptionSpec.Flag("rm", null, "Automatically remove the container when it exits"),
        .. VolumeOptions.Options,
        .. HealthCheckCommands.Options,
    ];

    /// <summary>Reads the image (first positional) and the command (the rest) with the flags.</summary>
    public static ContainerCreateOptions Parse(ParsedArguments args)
    {
        var image = args.Positional(0, "IMAGE");
        var entrypoint = args.Value("entrypoint");
        return new ContainerCreateOptions
        {
            Image = image,
            Name = args.Value("name"),
            Command = args.Positionals.Count > 1 ? args.Positionals.Skip(1).ToList() : null,
            Entrypoint = entrypoint is null ? null : entrypoint.Length == 0 ? [] : [entrypoint],
            Environment = args.Values("env"),
            WorkingDirectory = args.Value("workdir"),
            User = args.Value("user"),
            Hostname = args.Value("hostname"),
            Labels = args.Values("label").Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : string.Empty),
            Memory = args.Value("memory") is { } memory ? ResourceParser.ParseBytes(memory, "memory") : null,
            Cpus = args.Value("cpus") is { } cpus ? ResourceParser.ParseCpus(cpus) : null,
            CpuShares = args.Int("cpu-shares"),
            CpusetCpus = args.Value("cpuset-cpus"),
            PidsLimit = args.Int("pids-limit"),
            Ulimits = args.Values("ulimit"),
            ReadOnlyRootfs = args.Flag("read-only"),
            CapAdd = args.Values("cap-add"),
            CapDrop = args.Values("cap-drop"),
            Privileged = args.Flag("privileged"),
            SecurityOptions = args.Values("security-opt"),
            RestartPolicy = args.Value("restart") is { } restart ? RestartPolicy.Parse(restart) : RestartPolicy.No,
            PullPolicy = PullPolicies.Parse(args.Value("pull")),
            StopSignal = args.Value("stop-signal"),
            StopTimeout = args.Int("stop-timeout") is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            Network = args.Value("network"),
            PortBindings = args.Values("publish").SelectMany(Networks.PortBinding.ParseAll).ToList(),
            NetworkAliases = args.Values("network-alias"),
            ExtraHosts = args.Values("add-host"),
            Dns = args.Values("dns"),
            DnsSearch = args.Values("dns-search"),
            DnsOptions = args.Values("dns-option"),
            CgroupNamespace = args.Value("cgroupns"),
            UidMappings = args.Values("uidmap").Select(IdMapping.Parse).ToList(),
            GidMappings = args.Values("gidmap").Select(IdMapping.Parse).ToList(),
            OpenStdin = args.Flag("interactive"),
            AutoRemove = args.Flag("rm"),
            Mounts = VolumeOptions.Parse(args),
            LogOptions = args.Values("log-opt").Select(o => o.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : string.Empty),
            HealthCheck = HealthCheckCommands.Parse(args),
            NoHealthCheck = args.Flag("no-healthcheck"),
        };
    }
}
