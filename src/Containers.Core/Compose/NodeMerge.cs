using YamlDotNet.RepresentationModel;

namespace Containers.Compose;

/// <summary>
/// Merges an override mapping onto a base as Compose merges override files and <c>extends</c>: mappings merge key by key,
/// the lists that add up (ports, expose, volumes, env_file, dns, extra_hosts, cap_add, cap_drop, tmpfs, profiles) are
/// concatenated, and anything else is replaced. The nodes keep their origin, so errors still name the right file and line.
/// </summary>
internal static class NodeMerge
{
    private static readonly HashSet<string> Concatenated = new(StringComparer.Ordinal)
    {
        "ports", "expose", "volumes", "env_file", "dns", "extra_hosts", "cap_add", "cap_drop", "tmpfs", "profiles",
    };

    public static YamlMappingNode Merge(YamlSource yaml, YamlMappingNode baseNode, YamlMappingNode overrideNode)
    {
        var result = new YamlMappingNode();
        foreach (var (key, value) in baseNode.Children)
        {
            result.Children[key] = value;
        }

        foreach (var (key, value) in overrideNode.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? string.Empty;
            if (!result.Children.TryGetValue(key, out var existing))
            {
                result.Children[key] = value;
            }
            else if (existing is YamlMappingNode a && value is YamlMappingNode b)
            {
                result.Children[key] = Merge(yaml, a, b);
            }
            else if (Concatenated.Contains(name) && existing is YamlSequenceNode x && value is YamlSequenceNode y)
            {
                result.Children[key] = new YamlSequenceNode(x.Children.Concat(y.Children));
            }
            else if (name is "environment" or "labels" && existing is YamlSequenceNode xs && value is YamlSequenceNode ys)
            {
                result.Children[key] = new YamlSequenceNode(xs.Children.Concat(ys.Children));
            }
            else
            {
                result.Children[key] = value;
            }
        }

        return yaml.Adopt(result, baseNode);
    }
}
