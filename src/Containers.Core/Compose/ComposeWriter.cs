using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Containers.Containers;
using Containers.Volumes;
using YamlDotNet.RepresentationModel;

namespace Containers.Compose;

/// <summary>Writes a resolved project back as Compose YAML (what <c>config</c> prints) and hashes a service's configuration.</summary>
public static class ComposeWriter
{
    /// <summary>Returns the resolved project as YAML: substituted, merged, with absolute paths and engine names.</summary>
    public static string ToYaml(ComposeProject project)
    {
        ArgumentNullException.ThrowIfNull(project);
        var root = new YamlMappingNode { { "name", project.Name } };
        var services = new YamlMappingNode();
        foreach (var name in project.Services.Keys.Order(StringComparer.Ordinal))
        {
            services.Add(name, Service(project.Services[name]));
        }

        root.Add("services", services);
        var networks = new YamlMappingNode();
        foreach (var (key, network) in project.Networks.OrderBy(n => n.Key, StringComparer.Ordinal))
        {
            var node = new YamlMappingNode { { "name", network.Name } };
            AddIf(node, "external", network.External);
            AddIf(node, "internal", network.Internal);
            AddMap(node, "labels", network.Labels);
            networks.Add(key, node);
        }

        root.Add("networks", networks);
        if (project.Volumes.Count > 0)
        {
            var volumes = new YamlMappingNode();
            foreach (var (key, volume) in project.Volumes.OrderBy(n => n.Key, StringComparer.Ordinal))
            {
                var node = new YamlMappingNode { { "name", volume.Name } };
                AddIf(node, "external", volume.External);
                AddMap(node, "labels", volume.Labels);
                volumes.Add(key, node);
            }

            root.Add("volumes", volumes);
        }

        return Save(root);
    }

    /// <summary>Hashes a service's resolved configuration (<c>com.docker.compose.config-hash</c>): a changed service gets new containers on <c>up</c>.</summary>
    public static string ConfigHash(ServiceConfig service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Save(Service(service with { Replicas = 1 })))));
    }

    private static YamlMappingNode Service(ServiceConfig service)
    {
        var node = new YamlMappingNode { { "image", service.Image } };
        if (service.Build is { } build)
        {
            var b = new YamlMappingNode { { "context", build.Context }, { "dockerfile", build.Dockerfile } };
            AddMap(b, "args", build.Args);
            if (build.Target is not null)
            {
                b.Add("target", build.Target);
            }

            node.Add("build", b);
        }

        AddList(node, "entrypoint", service.Entrypoint);
        AddList(node, "command", service.Command);
        AddMap(node, "environment", service.Environment);
        AddList(node, "ports", service.Ports.Select(p => p.HostPort == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{p.HostIp}::{p.ContainerPort}/{p.Protocol}")
            : string.Create(CultureInfo.InvariantCulture, $"{p.HostIp}:{p.HostPort}{(p.HostPortEnd > 0 ? $"-{p.HostPortEnd}" : string.Empty)}:{p.ContainerPort}/{p.Protocol}")).ToList());
        AddList(node, "expose", service.Expose);
        if (service.Volumes.Count > 0)
        {
            node.Add("volumes", new YamlSequenceNode(service.Volumes.Select(Mount)));
        }

        if (service.NetworkMode is not null)
        {
            node.Add("network_mode", service.NetworkMode);
        }
        else
        {
            var networks = new YamlMappingNode();
            foreach (var (key, aliases) in service.Networks.OrderBy(n => n.Key, StringComparer.Ordinal))
            {
                var entry = new YamlMappingNode();
                AddList(entry, "aliases", aliases);
                networks.Add(key, entry);
            }

            node.Add("networks", networks);
        }

        if (service.DependsOn.Count > 0)
        {
            var depends = new YamlMappingNode();
            foreach (var dependency in service.DependsOn.OrderBy(d => d.Service, StringComparer.Ordinal))
            {
                depends.Add(dependency.Service, new YamlMappingNode
                {
                    { "condition", dependency.Condition switch { DependencyCondition.Healthy => "service_healthy", DependencyCondition.CompletedSuccessfully => "service_completed_successfully", _ => "service_started" } },
                    { "required", dependency.Required ? "true" : "false" },
                });
            }

            node.Add("depends_on", depends);
        }

        if (service.HealthCheckDisabled)
        {
            node.Add("healthcheck", new YamlMappingNode { { "disable", "true" } });
        }
        else if (service.HealthCheck is { } check)
        {
            var h = new YamlMappingNode();
            AddList(h, "test", check.Test);
            AddDuration(h, "interval", check.Interval);
            AddDuration(h, "timeout", check.Timeout);
            AddDuration(h, "start_period", check.StartPeriod);
            AddDuration(h, "start_interval", check.StartInterval);
            if (check.Retries is { } retries)
            {
                h.Add("retries", retries.ToString(CultureInfo.InvariantCulture));
            }

            node.Add("healthcheck", h);
        }

        if (service.Restart.Name != "no")
        {
            node.Add("restart", service.Restart.ToString());
        }

        AddScalar(node, "user", service.User);
        AddScalar(node, "working_dir", service.WorkingDir);
        AddMap(node, "labels", service.Labels);
        if (service.Replicas != 1)
        {
            node.Add("deploy", new YamlMappingNode { { "replicas", service.Replicas.ToString(CultureInfo.InvariantCulture) } });
        }

        AddList(node, "profiles", service.Profiles);
        AddScalar(node, "container_name", service.ContainerName);
        AddScalar(node, "hostname", service.Hostname);
        AddList(node, "extra_hosts", service.ExtraHosts);
        AddScalar(node, "stop_signal", service.StopSignal);
        AddDuration(node, "stop_grace_period", service.StopGracePeriod);
        AddList(node, "cap_add", service.CapAdd);
        AddList(node, "cap_drop", service.CapDrop);
        AddIf(node, "privileged", service.Privileged);
        AddIf(node, "read_only", service.ReadOnly);
        if (service.MemLimit is { } memory)
        {
            node.Add("mem_limit", memory.ToString(CultureInfo.InvariantCulture));
        }

        if (service.Cpus is { } cpus)
        {
            node.Add("cpus", cpus.ToString(CultureInfo.InvariantCulture));
        }

        return node;
    }

    private static YamlMappingNode Mount(ContainerMount mount)
    {
        var node = new YamlMappingNode { { "type", mount.Type.ToString().ToLowerInvariant() } };
        AddScalar(node, "source", mount.Source);
        node.Add("target", mount.Target);
        AddIf(node, "read_only", mount.ReadOnly);
        if (mount.Type == MountType.Bind)
        {
            var bind = new YamlMappingNode { { "create_host_path", mount.CreateHostPath ? "true" : "false" } };
            AddScalar(bind, "propagation", mount.BindPropagation);
            node.Add("bind", bind);
        }

        if (mount.NoCopy)
        {
            node.Add("volume", new YamlMappingNode { { "nocopy", "true" } });
        }

        if (mount.Type == MountType.Tmpfs && (mount.TmpfsSize is not null || mount.TmpfsMode is not null))
        {
            var tmpfs = new YamlMappingNode();
            AddScalar(tmpfs, "size", mount.TmpfsSize?.ToString(CultureInfo.InvariantCulture));
            AddScalar(tmpfs, "mode", mount.TmpfsMode is { } m ? Convert.ToString(m, 8) : null);
            node.Add("tmpfs", tmpfs);
        }

        return node;
    }

    private static void AddScalar(YamlMappingNode node, string key, string? value)
    {
        if (value is not null)
        {
            node.Add(key, new YamlScalarNode(value) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted });
        }
    }

    private static void AddIf(YamlMappingNode node, string key, bool value)
    {
        if (value)
        {
            node.Add(key, "true");
        }
    }

    private static void AddDuration(YamlMappingNode node, string key, TimeSpan? value)
    {
        if (value is { } duration)
        {
            node.Add(key, GoDuration.Format(duration));
        }
    }

    private static void AddList(YamlMappingNode node, string key, IReadOnlyList<string>? values)
    {
        if (values is { Count: > 0 })
        {
            node.Add(key, new YamlSequenceNode(values.Select(v => new YamlScalarNode(v) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted })));
        }
    }

    private static void AddMap(YamlMappingNode node, string key, IReadOnlyDictionary<string, string> values)
    {
        if (values.Count > 0)
        {
            var map = new YamlMappingNode();
            foreach (var (k, v) in values.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                map.Add(k, new YamlScalarNode(v) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted });
            }

            node.Add(key, map);
        }
    }

    private static string Save(YamlNode root)
    {
        var stream = new YamlStream(new YamlDocument(root));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();

        // YamlStream ends a document with "...": config output is one document.
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }
}
