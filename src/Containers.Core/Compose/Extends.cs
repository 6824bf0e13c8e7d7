using YamlDotNet.RepresentationModel;

namespace Containers.Compose;

/// <summary>Applies <c>extends</c> within the same file: the named service's mapping, itself extended, under this one's.</summary>
internal static class Extends
{
    public static YamlMappingNode Resolve(YamlSource yaml, IReadOnlyDictionary<string, YamlMappingNode> services, string name, YamlMappingNode node, int depth)
    {
        if (ComposeLoader.Child(node, "extends") is not { } extends)
        {
            return node;
        }

        var path = $"services.{name}.extends";
        if (depth > services.Count)
        {
            throw yaml.Error(ComposeErrorKind.DependencyCycle, extends, path, "services extend each other in a circle");
        }

        string? baseName = null;
        if (extends is YamlScalarNode)
        {
            baseName = yaml.String(extends, path);
        }
        else
        {
            foreach (var (key, keyNode, value) in yaml.Entries(yaml.Mapping(extends, path), path))
            {
                switch (key)
                {
                    case "service":
                        baseName = yaml.String(value, $"{path}.service");
                        break;
                    case "file":
                        throw yaml.Error(ComposeErrorKind.UnknownKey, keyNode, $"{path}.file", "extends from another file is not supported: use include, or copy the service into this file");
                    default:
                        throw yaml.Unknown(keyNode, path, key, ["service"]);
                }
            }
        }

        if (baseName is null || !services.TryGetValue(baseName, out var baseNode))
        {
            throw yaml.Error(ComposeErrorKind.MissingReference, extends, path, $"no such service to extend: '{baseName}'");
        }

        var resolvedBase = Resolve(yaml, services, baseName, baseNode, depth + 1);
        var merged = yaml.Adopt(NodeMerge.Merge(yaml, resolvedBase, node), node);
        merged.Children.Remove(new YamlScalarNode("extends"));

        // Like Compose, a service does not inherit what ties the base to other services.
        merged.Children.Remove(new YamlScalarNode("depends_on"));
        if (ComposeLoader.Child(node, "depends_on") is { } own)
        {
            merged.Children[new YamlScalarNode("depends_on")] = own;
        }

        return merged;
    }
}
