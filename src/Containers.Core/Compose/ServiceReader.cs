using System.Globalization;
using Containers.Containers;
using Containers.Networks;
using Containers.Volumes;
using YamlDotNet.RepresentationModel;

namespace Containers.Compose;

/// <summary>Reads one service mapping (after <c>extends</c>) into a <see cref="ServiceConfig"/>.</summary>
internal sealed class ServiceReader(YamlSource yaml, string projectName, Func<string, string?> lookup,
    IReadOnlyDictionary<string, VolumeConfig> volumes, IReadOnlyDictionary<string, NetworkConfig> networks)
{
    private static readonly string[] Keys =
    [
        "image", "build", "command", "entrypoint", "environment", "env_file", "ports", "expose", "volumes", "tmpfs", "networks",
        "network_mode", "depends_on", "healthcheck", "restart", "user", "working_dir", "labels", "deploy", "scale", "profiles",
        "extends", "container_name", "hostname", "extra_hosts", "stop_signal", "stop_grace_period", "cap_add", "cap_drop",
        "privileged", "read_only", "mem_limit", "cpus",
    ];

    /// <summary>Gets the <c>depends_on</c> entries read, with the node each came from, for the checks after all services are read.</summary>
    public Dictionary<string, List<(string Service, YamlNode Node)>> DependencyNodes { get; } = new(StringComparer.Ordinal);

    private string workingDirectory = string.Empty;

    /// <summary>Reads a service whose relative paths are resolved against <paramref name="directory"/>.</summary>
    public ServiceConfig Read(string name, YamlMappingNode node, string directory)
    {
        workingDirectory = directory;
        var path = $"services.{name}";
        var service = new ServiceConfig { Name = name, Image = string.Empty };
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var envFiles = new Dictionary<string, string>(StringComparer.Ordinal);
        var mounts = new List<ContainerMount>();
        var tmpfs = new List<ContainerMount>();
        int? replicas = null;
        YamlNode? imageNode = null;
        foreach (var (key, keyNode, value) in yaml.Entries(node, path))
        {
            var at = YamlSource.Join(path, key);
            switch (key)
            {
                case "image":
                    service = service with { Image = yaml.String(value, at) };
                    imageNode = value;
                    break;
                case "build":
                    service = service with { Build = ReadBuild(value, at) };
                    break;
                case "command":
                    service = service with { Command = YamlSource.IsNull(value) ? null : CommandLine(value, at) };
                    break;
                case "entrypoint":
                    service = service with { Entrypoint = YamlSource.IsNull(value) ? null : CommandLine(value, at) };
                    break;
                case "environment":
                    foreach (var (k, v) in yaml.Pairs(value, at))
                    {
                        if ((v ?? lookup(k)) is { } resolved)
                        {
                            environment[k] = resolved;
                        }
                    }

                    break;
                case "env_file":
                    foreach (var (file, i) in EnvFileEntries(value, at).Select((f, i) => (f, i)))
                    {
                        var full = Path.GetFullPath(file.Path, workingDirectory);
                        if (!File.Exists(full))
                        {
                            if (!file.Required)
                            {
                                continue;
                            }

                            throw yaml.Error(ComposeErrorKind.MissingReference, file.Node, $"{at}[{i}]", $"the env file {full} does not exist");
                        }

                        foreach (var (k, v) in EnvFile.Read(full, lookup))
                        {
                            if (v is not null)
                            {
                                envFiles[k] = v;
                            }
                        }
                    }

                    break;
                case "ports":
                    service = service with { Ports = yaml.Sequence(value, at).Children.SelectMany((p, i) => Port(p, $"{at}[{i}]")).ToList() };
                    break;
                case "expose":
                    service = service with { Expose = yaml.Strings(value, at) };
                    break;
                case "volumes":
                    mounts.AddRange(yaml.Sequence(value, at).Children.Select((v, i) => Mount(v, $"{at}[{i}]")));
                    break;
                case "tmpfs":
                    tmpfs.AddRange(yaml.Strings(value, at, allowString: true).Select(t => Tmpfs(value, at, t)));
                    break;
                case "networks":
                    service = service with { Networks = ReadNetworks(value, at) };
                    break;
                case "network_mode":
                    var mode = yaml.String(value, at);
                    service = service with
                    {
                        NetworkMode = mode is "host" or "none" or "bridge" ? mode : throw yaml.Error(ComposeErrorKind.InvalidValue, value, at, $"network_mode '{mode}' is not supported: use host, none or bridge (or networks:)"),
                    };
                    break;
                case "depends_on":
                    service = service with { DependsOn = ReadDependsOn(name, value, at) };
                    break;
                case "healthcheck":
                    service = ReadHealthCheck(service, value, at);
                    break;
                case "restart":
                    service = service with { Restart = Restart(value, at) };
                    break;
                case "user":
                    service = service with { User = yaml.String(value, at) };
                    break;
                case "working_dir":
                    service = service with { WorkingDir = yaml.String(value, at) };
                    break;
                case "labels":
                    service = service with { Labels = yaml.Pairs(value, at).ToDictionary(p => p.Key, p => p.Value ?? string.Empty, StringComparer.Ordinal) };
                    break;
                case "deploy":
                    (replicas, service) = ReadDeploy(service, value, at, replicas);
                    break;
                case "scale":
                    replicas = yaml.Int(value, at, minimum: 0);
                    break;
                case "profiles":
                    service = service with { Profiles = yaml.Strings(value, at) };
                    break;
                case "extends":
                    break; // applied before reading
                case "container_name":
                    service = service with { ContainerName = yaml.String(value, at) };
                    break;
                case "hostname":
                    service = service with { Hostname = yaml.String(value, at) };
                    break;
                case "extra_hosts":
                    service = service with { ExtraHosts = yaml.Pairs(value, at).Select(p => p.Value is null ? p.Key : $"{p.Key}:{p.Value}").ToList() };
                    break;
                case "stop_signal":
                    service = service with { StopSignal = yaml.String(value, at) };
                    break;
                case "stop_grace_period":
                    service = service with { StopGracePeriod = yaml.Duration(value, at) };
                    break;
                case "cap_add":
                    service = service with { CapAdd = yaml.Strings(value, at) };
                    break;
                case "cap_drop":
                    service = service with { CapDrop = yaml.Strings(value, at) };
                    break;
                case "privileged":
                    service = service with { Privileged = yaml.Bool(value, at) };
                    break;
                case "read_only":
                    service = service with { ReadOnly = yaml.Bool(value, at) };
                    break;
                case "mem_limit":
                    service = service with { MemLimit = Bytes(value, at) };
                    break;
                case "cpus":
                    service = service with { Cpus = Cpus(value, at) };
                    break;
                case var x when x.StartsWith("x-", StringComparison.Ordinal):
                    break;
                default:
                    throw yaml.Unknown(keyNode, path, key, Keys);
            }
        }

        if (service.Image.Length == 0)
        {
            service = service.Build is null
                ? throw yaml.Error(ComposeErrorKind.InvalidValue, node, path, "a service needs an image or a build section")
                : service with { Image = $"{projectName}-{name}" };
        }

        if (service.ContainerName is not null && (replicas ?? 1) > 1)
        {
            throw yaml.Error(ComposeErrorKind.InvalidValue, imageNode ?? node, path, "container_name allows only one replica: remove it or the replicas");
        }

        foreach (var (k, v) in environment)
        {
            envFiles[k] = v;
        }

        return service with
        {
            Environment = envFiles,
            Volumes = [.. mounts, .. tmpfs],
            Replicas = replicas ?? 1,
            Networks = service.NetworkMode is null && service.Networks.Count == 0
                ? new Dictionary<string, IReadOnlyList<string>> { ["default"] = [] }
                : service.Networks,
        };
    }

    private ServiceBuild ReadBuild(YamlNode node, string path)
    {
        if (node is YamlScalarNode)
        {
            return new ServiceBuild { Context = Path.GetFullPath(yaml.String(node, path), workingDirectory) };
        }

        var build = new ServiceBuild { Context = workingDirectory };
        foreach (var (key, keyNode, value) in yaml.Entries(yaml.Mapping(node, path), path))
        {
            var at = YamlSource.Join(path, key);
            build = key switch
            {
                "context" => build with { Context = Path.GetFullPath(yaml.String(value, at), workingDirectory) },
                "dockerfile" => build with { Dockerfile = yaml.String(value, at) },
                "args" => build with { Args = yaml.Pairs(value, at).Where(p => (p.Value ?? lookup(p.Key)) is not null).ToDictionary(p => p.Key, p => p.Value ?? lookup(p.Key)!, StringComparer.Ordinal) },
                "target" => build with { Target = yaml.String(value, at) },
                _ when key.StartsWith("x-", StringComparison.Ordinal) => build,
                _ => throw yaml.Unknown(keyNode, path, key, ["context", "dockerfile", "args", "target"]),
            };
        }

        return build;
    }

    /// <summary>A command or entrypoint: a list as is, a string split as a shell would (quotes, backslashes) without expanding it.</summary>
    private List<string> CommandLine(YamlNode node, string path)
    {
        try
        {
            return node is YamlScalarNode ? ComposeCommandLine.Split(yaml.String(node, path)) : yaml.Strings(node, path);
        }
        catch (FormatException e)
        {
            throw yaml.Error(ComposeErrorKind.InvalidValue, node, path, e.Message, e);
        }
    }

    private IEnumerable<(string Path, bool Required, YamlNode Node)> EnvFileEntries(YamlNode node, string path)
    {
        if (node is YamlScalarNode)
        {
            yield return (yaml.String(node, path), true, node);
            yield break;
        }

        foreach (var (item, i) in yaml.Sequence(node, path).Children.Select((n, i) => (n, i)))
        {
            var at = $"{path}[{i}]";
            if (item is YamlScalarNode)
            {
                yield return (yaml.String(item, at), true, item);
                continue;
            }

            string? file = null;
            var required = true;
            foreach (var (key, keyNode, value) in yaml.Entries(yaml.Mapping(item, at), at))
            {
                switch (key)
                {
                    case "path":
                        file = yaml.String(value, YamlSource.Join(at, key));
                        break;
                    case "required":
                        required = yaml.Bool(value, YamlSource.Join(at, key));
                        break;
                    default:
                        throw yaml.Unknown(keyNode, at, key, ["path", "required"]);
                }
            }

            yield return (file ?? throw yaml.Error(ComposeErrorKind.InvalidValue, item, at, "path is required"), required, item);
        }
    }

    private IReadOnlyList<PortBinding> Port(YamlNode node, string path)
    {
        if (node is YamlScalarNode)
        {
            var text = yaml.String(node, path);
            try
            {
                return PortBinding.ParseAll(text);
            }
            catch (InvalidPortSpecificationException e)
            {
                throw yaml.Error(ComposeErrorKind.InvalidValue, node, path, e.Message, e);
            }
        }

        int? target = null;
        string? published = null, hostIp = null, protocol = null;
        foreach (var (key, keyNode, value) in yaml.Entries(yaml.Mapping(node, path), path))
        {
            var at = YamlSource.Join(path, key);
            switch (key)
            {
                case "target":
                    target = yaml.Int(value, at, minimum: 1);
                    break;
                case "published":
                    published = yaml.String(value, at);
                    break;
                case "host_ip":
                    hostIp = yaml.String(value, at);
                    break;
                case "protocol":
                    protocol = yaml.String(value, at);
                    break;
                case "mode" or "name" or "app_protocol":
                    yaml.String(value, at);
                    break;
                default:
                    throw yaml.Unknown(keyNode, path, key, ["target", "published", "host_ip", "protocol", "mode", "name", "app_protocol"]);
            }
        }

        if (target is null)
        {
            throw yaml.Error(ComposeErrorKind.InvalidValue, node, YamlSource.Join(path, "target"), "the long port syntax needs target (the container port)");
        }

        var spec = string.Create(CultureInfo.InvariantCulture, $"{(hostIp is null ? string.Empty : hostIp + ":")}{published}{(published is null && hostIp is null ? string.Empty : ":")}{target}{(protocol is null ? string.Empty : "/" + protocol)}");
        try
        {
            return PortBinding.ParseAll(spec);
        }
        catch (InvalidPortSpecificationException e)
        {
            throw yaml.Error(ComposeErrorKind.InvalidValue, node, path, e.Message, e);
        }
    }

    private ContainerMount Mount(YamlNode node, string path)
    {
        try
        {
            return node is YamlScalarNode ? ShortMount(node, path) : LongMount(node, path);
        }
        catch (Exception e) when (e is InvalidMountSpecException or InvalidVolumeNameException)
        {
            throw yaml.Error(ComposeErrorKind.InvalidValue, node, path, e.Message, e);
        }
    }

    private ContainerMount ShortMount(YamlNode node, string path)
    {
        var text = yaml.String(node, path);
        var parts = text.Split(':');
        if (parts.Length == 1 || (parts.Length == 2 && parts[1] is "ro" or "rw"))
        {
            return MountSpecParser.ParseVolume(text);
        }

        var source = parts[0];
        var rest = string.Join(':', parts[1..]);
        return MountSpecParser.ParseVolume($"{SourceFor(node, path, source)}:{rest}");
    }

    /// <summary>A bind source made absolute, or a named volume's engine name (it must be declared at the top level).</summary>
    private string SourceFor(YamlNode node, string path, string source)
    {
        if (source.StartsWith('.') || source.StartsWith('/') || source.StartsWith('~'))
        {
            var expanded = source.StartsWith('~') ? System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile) + source[1..] : source;
            return Path.GetFullPath(expanded, workingDirectory);
        }

        return volumes.TryGetValue(source, out var volume)
            ? volume.Name
            : throw yaml.Error(ComposeErrorKind.MissingReference, node, path, $"the named volume '{source}' is not declared: add it under the top-level volumes:");
    }

    private ContainerMount LongMount(YamlNode node, string path)
    {
        string type = "volume";
        string? source = null, target = null, propagation = null;
        bool readOnly = false, noCopy = false, createHostPath = true;
        long? size = null;
        int? mode = null;
        foreach (var (key, keyNode, value) in yaml.Entries(yaml.Mapping(node, path), path))
        {
            var at = YamlSource.Join(path, key);
            switch (key)
            {
                case "type":
                    type = yaml.String(value, at);
                    if (type is not ("volume" or "bind" or "tmpfs"))
                    {
                        throw yaml.Error(ComposeErrorKind.InvalidValue, value, at, $"mount type '{type}' is not supported: use volume, bind or tmpfs");
                    }

                    break;
                case "source":
                    source = yaml.String(value, at);
                    break;
                case "target":
                    target = yaml.String(value, at);
                    break;
                case "read_only":
                    readOnly = yaml.Bool(value, at);
                    break;
                case "bind":
                    foreach (var (k, kn, v) in yaml.Entries(yaml.Mapping(value, at), at))
                    {
                        _ = k switch
                        {
                            "propagation" => propagation = yaml.String(v, YamlSource.Join(at, k)),
                            "create_host_path" => (createHostPath = yaml.Bool(v, YamlSource.Join(at, k))).ToString(),
                            _ => throw yaml.Unknown(kn, at, k, ["propagation", "create_host_path"]),
                        };
                    }

                    break;
                case "volume":
                    foreach (var (k, kn, v) in yaml.Entries(yaml.Mapping(value, at), at))
                    {
                        noCopy = k == "nocopy" ? yaml.Bool(v, YamlSource.Join(at, k)) : throw yaml.Unknown(kn, at, k, ["nocopy"]);
                    }

                    break;
                case "tmpfs":
                    foreach (var (k, kn, v) in yaml.Entries(yaml.Mapping(value, at), at))
                    {
                        switch (k)
                        {
                            case "size":
                                size = Bytes(v, YamlSource.Join(at, k));
                                break;
                            case "mode":
                                mode = int.TryParse(yaml.String(v, YamlSource.Join(at, k)), NumberStyles.Integer, CultureInfo.InvariantCulture, out var m)
                                    ? Convert.ToInt32(m.ToString(CultureInfo.InvariantCulture), 8)
                                    : throw yaml.Error(ComposeErrorKind.WrongType, v, YamlSource.Join(at, k), "expected an octal mode such as 1777");
                                break;
                            default:
                                throw yaml.Unknown(kn, at, k, ["size", "mode"]);
                        }
                    }

                    break;
                case "consistency":
                    yaml.String(value, at);
                    break;
                default:
                    throw yaml.Unknown(keyNode, path, key, ["type", "source", "target", "read_only", "bind", "volume", "tmpfs", "consistency"]);
            }
        }

        if (target is null)
        {
            throw yaml.Error(ComposeErrorKind.InvalidValue, node, YamlSource.Join(path, "target"), "target is required");
        }

        var fields = new List<string> { $"type={type}", $"target={target}" };
        if (source is not null)
        {
            fields.Add($"source={(type == "tmpfs" ? source : SourceFor(node, path, source))}");
        }

        var mount = MountSpecParser.ParseMount(string.Join(',', fields));
        return mount with
        {
            ReadOnly = readOnly,
            NoCopy = noCopy,
            BindPropagation = propagation,
            CreateHostPath = type == "bind" && createHostPath,
            TmpfsSize = size,
            TmpfsMode = mode,
        };
    }

    private ContainerMount Tmpfs(YamlNode node, string path, string text)
    {
        try
        {
            return MountSpecParser.ParseTmpfs(text);
        }
        catch (InvalidMountSpecException e)
        {
            throw yaml.Error(ComposeErrorKind.InvalidValue, node, path, e.Message, e);
        }
    }

    private Dictionary<string, IReadOnlyList<string>> ReadNetworks(YamlNode node, string path)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (node is YamlSequenceNode list)
        {
            foreach (var (item, i) in list.Children.Select((n, i) => (n, i)))
            {
                result[CheckNetwork(item, $"{path}[{i}]", yaml.String(item, $"{path}[{i}]"))] = [];
            }

            return result;
        }

        foreach (var (key, keyNode, value) in yaml.Entries(yaml.Mapping(node, path), path))
        {
            var at = YamlSource.Join(path, key);
            CheckNetwork(keyNode, at, key);
            var aliases = new List<string>();
            if (!YamlSource.IsNull(value))
            {
                foreach (var (k, kn, v) in yaml.Entries(yaml.Mapping(value, at), at))
                {
                    aliases = k == "aliases" ? yaml.Strings(v, YamlSource.Join(at, k)) : throw yaml.Unknown(kn, at, k, ["aliases"]);
                }
            }

            result[key] = aliases;
        }

        return result;
    }

    private string CheckNetwork(YamlNode node, string path, string name) =>
        networks.ContainsKey(name) ? name : throw yaml.Error(ComposeErrorKind.MissingReference, node, path, $"the network '{name}' is not declared: add it under the top-level networks:");

    private List<ServiceDependency> ReadDependsOn(string service, YamlNode node, string path)
    {
        var result = new List<ServiceDependency>();
        var nodes = DependencyNodes[service] = [];
        if (node is YamlSequenceNode list)
        {
            foreach (var (item, i) in list.Children.Select((n, i) => (n, i)))
            {
                var name = yaml.String(item, $"{path}[{i}]");
                result.Add(new ServiceDependency(name, DependencyCondition.Started));
                nodes.Add((name, item));
            }

            return result;
        }

        foreach (var (key, keyNode, value) in yaml.Entries(yaml.Mapping(node, path), path))
        {
            var at = YamlSource.Join(path, key);
            var condition = DependencyCondition.Started;
            var required = true;
            if (!YamlSource.IsNull(value))
            {
                foreach (var (k, kn, v) in yaml.Entries(yaml.Mapping(value, at), at))
                {
                    var inner = YamlSource.Join(at, k);
                    switch (k)
                    {
                        case "condition":
                            condition = yaml.String(v, inner) switch
                            {
                                "service_started" => DependencyCondition.Started,
                                "service_healthy" => DependencyCondition.Healthy,
                                "service_completed_successfully" => DependencyCondition.CompletedSuccessfully,
                                var other => throw yaml.Error(ComposeErrorKind.InvalidValue, v, inner, $"unknown condition '{other}': use service_started, service_healthy or service_completed_successfully"),
                            };
                            break;
                        case "required":
                            required = yaml.Bool(v, inner);
                            break;
                        case "restart":
                            yaml.Bool(v, inner);
                            break;
                        default:
                            throw yaml.Unknown(kn, at, k, ["condition", "required", "restart"]);
                    }
                }
            }

            result.Add(new ServiceDependency(key, condition, required));
            nodes.Add((key, keyNode));
        }

        return result;
    }

    private ServiceConfig ReadHealthCheck(ServiceConfig service, YamlNode node, string path)
    {
        var check = new HealthCheckConfig();
        foreach (var (key, keyNode, value) in yaml.Entries(yaml.Mapping(node, path), path))
        {
            var at = YamlSource.Join(path, key);
            switch (key)
            {
                case "test":
                    var test = value is YamlScalarNode ? ["CMD-SHELL", yaml.String(value, at)] : yaml.Strings(value, at);
                    if (test.Count == 0 || test[0] is not ("CMD" or "CMD-SHELL" or "NONE"))
                    {
                        throw yaml.Error(ComposeErrorKind.InvalidValue, value, at, "a test list must start with CMD, CMD-SHELL or NONE");
                    }

                    check = check with { Test = test };
                    break;
                case "interval":
                    check = check with { Interval = yaml.Duration(value, at) };
                    break;
                case "timeout":
                    check = check with { Timeout = yaml.Duration(value, at) };
                    break;
                case "start_period":
                    check = check with { StartPeriod = yaml.Duration(value, at) };
                    break;
                case "start_interval":
                    check = check with { StartInterval = yaml.Duration(value, at) };
                    break;
                case "retries":
                    check = check with { Retries = yaml.Int(value, at, minimum: 0) };
                    break;
                case "disable":
                    if (yaml.Bool(value, at))
                    {
                        return service with { HealthCheck = null, HealthCheckDisabled = true };
                    }

                    break;
                default:
                    throw yaml.Unknown(keyNode, path, key, ["test", "interval", "timeout", "start_period", "start_interval", "retries", "disable"]);
            }
        }

        return service with { HealthCheck = check };
    }

    private RestartPolicy Restart(YamlNode node, string path)
    {
        var text = yaml.String(node, path);
        try
        {
            return RestartPolicy.Parse(text);
        }
        catch (InvalidContainerConfigurationException e)
        {
            throw yaml.Error(ComposeErrorKind.InvalidValue, node, path, e.Message, e);
        }
    }

    private (int? Replicas, ServiceConfig Service) ReadDeploy(ServiceConfig service, YamlNode node, string path, int? replicas)
    {
        foreach (var (key, keyNode, value) in yaml.Entries(yaml.Mapping(node, path), path))
        {
            var at = YamlSource.Join(path, key);
            switch (key)
            {
                case "replicas":
                    replicas = yaml.Int(value, at, minimum: 0);
                    break;
                case "resources":
                    foreach (var (k, kn, v) in yaml.Entries(yaml.Mapping(value, at), at))
                    {
                        var limits = YamlSource.Join(at, k);
                        if (k is not ("limits" or "reservations"))
                        {
                            throw yaml.Unknown(kn, at, k, ["limits", "reservations"]);
                        }

                        foreach (var (lk, lkn, lv) in yaml.Entries(yaml.Mapping(v, limits), limits))
                        {
                            var inner = YamlSource.Join(limits, lk);
                            switch (lk)
                            {
                                case "memory":
                                    var bytes = Bytes(lv, inner);
                                    service = k == "limits" ? service with { MemLimit = bytes } : service;
                                    break;
                                case "cpus":
                                    var cpus = Cpus(lv, inner);
                                    service = k == "limits" ? service with { Cpus = cpus } : service;
                                    break;
                                default:
                                    throw yaml.Unknown(lkn, limits, lk, ["memory", "cpus"]);
                            }
                        }
                    }

                    break;
                case "restart_policy":
                    string condition = "any";
                    int attempts = 0;
                    foreach (var (k, kn, v) in yaml.Entries(yaml.Mapping(value, at), at))
                    {
                        switch (k)
                        {
                            case "condition":
                                condition = yaml.String(v, YamlSource.Join(at, k));
                                break;
                            case "max_attempts":
                                attempts = yaml.Int(v, YamlSource.Join(at, k), minimum: 0);
                                break;
                            case "delay" or "window":
                                yaml.Duration(v, YamlSource.Join(at, k));
                                break;
                            default:
                                throw yaml.Unknown(kn, at, k, ["condition", "max_attempts", "delay", "window"]);
                        }
                    }

                    service = service with
                    {
                        Restart = condition switch
                        {
                            "none" => RestartPolicy.No,
                            "on-failure" => new RestartPolicy("on-failure", attempts),
                            "any" => new RestartPolicy("always"),
                            _ => throw yaml.Error(ComposeErrorKind.InvalidValue, value, at, $"unknown condition '{condition}': use none, on-failure or any"),
                        },
                    };
                    break;
                case "mode":
                    var mode = yaml.String(value, at);
                    if (mode != "replicated")
                    {
                        throw yaml.Error(ComposeErrorKind.InvalidValue, value, at, $"deploy mode '{mode}' is not supported: only replicated");
                    }

                    break;
                case "labels":
                    yaml.Pairs(value, at);
                    break;
                default:
                    throw yaml.Unknown(keyNode, path, key, ["replicas", "resources", "restart_policy", "mode", "labels"]);
            }
        }

        return (replicas, service);
    }

    private long Bytes(YamlNode node, string path)
    {
        var text = yaml.String(node, path);
        try
        {
            // Compose (go-units) also takes 64mb and 64MiB.
            var unit = text.TrimEnd('b', 'B', 'i');
            return ResourceParser.ParseBytes(unit.Length < text.Length && unit.Length > 0 && char.IsAsciiLetter(unit[^1]) ? unit : text, path);
        }
        catch (Exception e) when (e is InvalidContainerConfigurationException or FormatException)
        {
            throw yaml.Error(ComposeErrorKind.WrongType, node, path, $"expected a size such as 64m or 1g, found '{text}'", e);
        }
    }

    private double Cpus(YamlNode node, string path)
    {
        var text = yaml.String(node, path);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw yaml.Error(ComposeErrorKind.WrongType, node, path, $"expected a number of CPUs such as 0.5, found '{text}'");
    }
}
