using System.Collections;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Containers.Compose;

/// <summary>
/// Reads Compose files into a <see cref="ComposeProject"/>: variables substituted from the environment and <c>.env</c>,
/// override files merged, <c>include</c> and <c>extends</c> applied, profiles chosen, and every reference and the
/// dependency graph checked, so an error surfaces before anything is created.
/// </summary>
public static class ComposeLoader
{
    /// <summary>The file names looked for when none is given, in Compose's order.</summary>
    public static IReadOnlyList<string> DefaultFileNames { get; } = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];

    private static readonly string[] TopLevelKeys = ["version", "name", "services", "volumes", "networks", "include"];

    /// <summary>Loads and resolves a project.</summary>
    /// <exception cref="ComposeFileException">A file is missing, malformed or inconsistent; the message names file, line and key.</exception>
    public static ComposeProject Load(ComposeLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var files = FindFiles(options);
        var workingDirectory = Path.GetFullPath(options.ProjectDirectory ?? Path.GetDirectoryName(files[0])!);
        var environment = options.Environment ?? ProcessEnvironment();
        var dotenv = new Dictionary<string, string>(StringComparer.Ordinal);
        var envFiles = options.EnvFiles.Count > 0 ? options.EnvFiles.Select(f => Path.GetFullPath(f)).ToList() : [Path.Combine(workingDirectory, ".env")];
        foreach (var envFile in envFiles)
        {
            if (!File.Exists(envFile))
            {
                if (options.EnvFiles.Count > 0)
                {
                    throw new ComposeFileException(ComposeErrorKind.MissingReference, envFile, 0, "--env-file", "the file does not exist");
                }

                continue;
            }

            foreach (var (key, value) in EnvFile.Read(envFile, k => environment.GetValueOrDefault(k) ?? dotenv.GetValueOrDefault(k)))
            {
                if (value is not null)
                {
                    dotenv[key] = value;
                }
            }
        }

        string? Lookup(string name) => environment.TryGetValue(name, out var v) ? v : dotenv.GetValueOrDefault(name);

        var yaml = new YamlSource(Lookup);
        YamlMappingNode? root = null;
        var serviceDirectories = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var document = yaml.Load(file);
            CheckTopLevel(yaml, document);
            ApplyIncludes(yaml, document, Path.GetDirectoryName(file)!, serviceDirectories, depth: 0);
            root = root is null ? document : NodeMerge.Merge(yaml, root, document);
        }

        var name = ProjectName(options, environment, yaml, root!, workingDirectory);
        var volumes = ReadVolumes(yaml, root!, name);
        var networks = ReadNetworks(yaml, root!, name);
        var reader = new ServiceReader(yaml, name, Lookup, volumes, networks);
        var servicesNode = Child(root!, "services") is { } s ? yaml.Mapping(s, "services") : new YamlMappingNode();
        var rawServices = yaml.Entries(servicesNode, "services").ToDictionary(e => e.Key, e => (e.KeyNode, Node: yaml.Mapping(e.Value, $"services.{e.Key}")), StringComparer.Ordinal);
        var all = new Dictionary<string, ServiceConfig>(StringComparer.Ordinal);
        foreach (var (serviceName, (keyNode, node)) in rawServices)
        {
            CheckServiceName(yaml, keyNode, serviceName);
            var extended = Extends.Resolve(yaml, rawServices.ToDictionary(e => e.Key, e => e.Value.Node, StringComparer.Ordinal), serviceName, node, 0);
            all[serviceName] = reader.Read(serviceName, extended, serviceDirectories.GetValueOrDefault(serviceName, workingDirectory));
        }

        var profiles = options.Profiles
            .Concat((Lookup("COMPOSE_PROFILES") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.Ordinal);
        var active = all.Values
            .Where(svc => svc.Profiles.Count == 0 || profiles.Contains("*") || svc.Profiles.Any(profiles.Contains))
            .ToDictionary(svc => svc.Name, StringComparer.Ordinal);
        foreach (var (serviceName, replicas) in options.Scale)
        {
            active[serviceName] = active.TryGetValue(serviceName, out var svc)
                ? svc with { Replicas = replicas }
                : throw new ComposeFileException(ComposeErrorKind.MissingReference, files[0], 0, "--scale", $"no such service: {serviceName}");
        }

        CheckDependencies(yaml, reader, active, all);
        return new ComposeProject
        {
            Name = name,
            WorkingDirectory = workingDirectory,
            ConfigFiles = files,
            Services = active,
            Volumes = volumes,
            Networks = networks,
        };
    }

    /// <summary>Makes a project name as Compose does: lower case, only letters, digits, <c>-</c> and <c>_</c>.</summary>
    public static string NormalizeProjectName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c) || ((c is '-' or '_') && builder.Length > 0))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static List<string> FindFiles(ComposeLoadOptions options)
    {
        if (options.Files.Count > 0)
        {
            var full = options.Files.Select(f => Path.GetFullPath(f)).ToList();
            foreach (var file in full.Where(f => !File.Exists(f)))
            {
                throw new ComposeFileException(ComposeErrorKind.MissingReference, file, 0, "-f", "the Compose file does not exist");
            }

            return full;
        }

        var directory = Path.GetFullPath(options.ProjectDirectory ?? Directory.GetCurrentDirectory());
        var found = DefaultFileNames.Select(n => Path.Combine(directory, n)).FirstOrDefault(File.Exists);
        if (found is null)
        {
            throw new ComposeFileException(ComposeErrorKind.MissingReference, directory, 0, "-f", $"no Compose file found: add {DefaultFileNames[0]} or name one with -f");
        }

        var overrideFile = Path.Combine(directory, Path.GetFileNameWithoutExtension(found) + ".override" + Path.GetExtension(found));
        return File.Exists(overrideFile) ? [found, overrideFile] : [found];
    }

    private static Dictionary<string, string> ProcessEnvironment()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            result[(string)entry.Key] = (string?)entry.Value ?? string.Empty;
        }

        return result;
    }

    private static void CheckTopLevel(YamlSource yaml, YamlMappingNode document)
    {
        foreach (var (key, keyNode, _) in yaml.Entries(document, string.Empty))
        {
            if (!TopLevelKeys.Contains(key) && !key.StartsWith("x-", StringComparison.Ordinal))
            {
                throw yaml.Unknown(keyNode, string.Empty, key, TopLevelKeys);
            }
        }
    }

    /// <summary>Adds the services, volumes and networks of included files (relative paths there resolve against their own directory).</summary>
    private static void ApplyIncludes(YamlSource yaml, YamlMappingNode document, string directory, Dictionary<string, string> serviceDirectories, int depth)
    {
        if (Child(document, "include") is not { } include)
        {
            return;
        }

        if (depth > 10)
        {
            throw yaml.Error(ComposeErrorKind.DependencyCycle, include, "include", "includes nest more than 10 deep: do files include each other?");
        }

        foreach (var (item, i) in yaml.Sequence(include, "include").Children.Select((n, i) => (n, i)))
        {
            var at = $"include[{i}]";
            var paths = item is YamlScalarNode
                ? [yaml.String(item, at)]
                : yaml.Entries(yaml.Mapping(item, at), at).Select(e => e.Key == "path"
                    ? yaml.Strings(e.Value, $"{at}.path", allowString: true)
                    : throw yaml.Unknown(e.KeyNode, at, e.Key, ["path"])).SelectMany(p => p).ToList();
            foreach (var relative in paths)
            {
                var file = Path.GetFullPath(relative, directory);
                if (!File.Exists(file))
                {
                    throw yaml.Error(ComposeErrorKind.MissingReference, item, at, $"the included file {file} does not exist");
                }

                var included = yaml.Load(file);
                CheckTopLevel(yaml, included);
                ApplyIncludes(yaml, included, Path.GetDirectoryName(file)!, serviceDirectories, depth + 1);
                foreach (var section in new[] { "services", "volumes", "networks" })
                {
                    if (Child(included, section) is not YamlMappingNode entries)
                    {
                        continue;
                    }

                    if (Child(document, section) is not YamlMappingNode target)
                    {
                        target = new YamlMappingNode();
                        document.Children[new YamlScalarNode(section)] = target;
                    }

                    foreach (var (key, keyNode, value) in yaml.Entries(entries, section))
                    {
                        if (Child(target, key) is not null)
                        {
                            throw yaml.Error(ComposeErrorKind.InvalidValue, keyNode, $"{section}.{key}", $"{file} defines {section}.{key}, which the including file defines too");
                        }

                        target.Children[keyNode] = value;
                        if (section == "services")
                        {
                            serviceDirectories[key] = Path.GetDirectoryName(file)!;
                        }
                    }
                }
            }
        }

        document.Children.Remove(new YamlScalarNode("include"));
    }

    private static string ProjectName(ComposeLoadOptions options, IReadOnlyDictionary<string, string> environment, YamlSource yaml, YamlMappingNode root, string workingDirectory)
    {
        var name = options.ProjectName
            ?? (environment.TryGetValue("COMPOSE_PROJECT_NAME", out var fromEnvironment) && fromEnvironment.Length > 0 ? fromEnvironment : null)
            ?? (Child(root, "name") is { } node ? yaml.String(node, "name") : null)
            ?? Path.GetFileName(workingDirectory.TrimEnd('/'));
        var normalized = NormalizeProjectName(name);
        return normalized.Length > 0
            ? normalized
            : throw new ComposeFileException(ComposeErrorKind.InvalidValue, yaml.FileOf(root), 0, "name", $"'{name}' has no letter or digit to make a project name of: pass -p NAME");
    }

    private static Dictionary<string, VolumeConfig> ReadVolumes(YamlSource yaml, YamlMappingNode root, string project)
    {
        var result = new Dictionary<string, VolumeConfig>(StringComparer.Ordinal);
        foreach (var entry in TopLevelEntries.ReadVolumes(yaml, Child(root, "volumes"), project))
        {
            result[entry.Key] = new VolumeConfig { Name = entry.Name, External = entry.External, Labels = entry.Labels };
        }

        return result;
    }

    private static Dictionary<string, NetworkConfig> ReadNetworks(YamlSource yaml, YamlMappingNode root, string project)
    {
        var result = new Dictionary<string, NetworkConfig>(StringComparer.Ordinal);
        foreach (var entry in TopLevelEntries.ReadNetworks(yaml, Child(root, "networks"), project))
        {
            result[entry.Key] = new NetworkConfig { Name = entry.Name, External = entry.External, Internal = entry.Internal, Labels = entry.Labels };
        }

        result.TryAdd("default", new NetworkConfig { Name = $"{project}_default" });
        return result;
    }

    private static void CheckServiceName(YamlSource yaml, YamlNode keyNode, string name)
    {
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || !char.IsAsciiLetterOrDigit(name[0]))
        {
            throw yaml.Error(ComposeErrorKind.InvalidValue, keyNode, $"services.{name}", "a service name takes letters, digits, '.', '-' and '_', starting with a letter or digit");
        }
    }

    private static void CheckDependencies(YamlSource yaml, ServiceReader reader, Dictionary<string, ServiceConfig> active, Dictionary<string, ServiceConfig> all)
    {
        foreach (var service in active.Values.ToList())
        {
            var kept = new List<ServiceDependency>();
            foreach (var dependency in service.DependsOn)
            {
                if (active.ContainsKey(dependency.Service))
                {
                    kept.Add(dependency);
                    continue;
                }

                var node = reader.DependencyNodes[service.Name].First(n => n.Service == dependency.Service).Node;
                if (all.ContainsKey(dependency.Service) && !dependency.Required)
                {
                    continue;
                }

                throw yaml.Error(ComposeErrorKind.MissingReference, node, $"services.{service.Name}.depends_on.{dependency.Service}", all.ContainsKey(dependency.Service)
                    ? $"the service '{dependency.Service}' is not enabled: activate one of its profiles ({string.Join(", ", all[dependency.Service].Profiles)})"
                    : $"no such service: '{dependency.Service}' (services: {string.Join(", ", all.Keys.Order(StringComparer.Ordinal))})");
            }

            active[service.Name] = service with { DependsOn = kept };
        }

        var edges = active.ToDictionary(e => e.Key, e => (IReadOnlyList<string>)e.Value.DependsOn.Select(d => d.Service).ToList(), StringComparer.Ordinal);
        if (DependencyGraph.FindCycle(edges) is { } cycle)
        {
            var node = reader.DependencyNodes[cycle[0]].First(n => n.Service == cycle[1]).Node;
            throw yaml.Error(ComposeErrorKind.DependencyCycle, node, $"services.{cycle[0]}.depends_on.{cycle[1]}", $"dependency cycle: {string.Join(" -> ", cycle)}; nothing was started");
        }
    }

    internal static YamlNode? Child(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
}
