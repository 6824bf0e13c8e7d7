using YamlDotNet.RepresentationModel;

namespace Containers.Compose;

/// <summary>An entry of the top-level <c>volumes</c> or <c>networks</c> section, with what the two share.</summary>
internal sealed record TopLevelEntry(string Key, string Name, bool External, bool Internal, IReadOnlyDictionary<string, string> Labels);

/// <summary>
/// Reads the top-level <c>volumes</c> and <c>networks</c> sections, which share <c>name</c>, <c>external</c>,
/// <c>labels</c> and a single available <c>driver</c>; an entry is named <c>&lt;project&gt;_&lt;key&gt;</c> unless it is
/// external (then its key) or has a <c>name</c>.
/// </summary>
internal static class TopLevelEntries
{
    private static readonly string[] VolumeKeys = ["name", "external", "labels", "driver", "driver_opts"];
    private static readonly string[] NetworkKeys = ["name", "external", "internal", "labels", "driver"];

    /// <summary>Reads <c>volumes</c>: the <c>local</c> driver only, whose <c>driver_opts</c> are checked and ignored.</summary>
    public static List<TopLevelEntry> ReadVolumes(YamlSource yaml, YamlNode? node, string project) =>
        Read(yaml, node, "volumes", project, VolumeKeys, "local", "only the local volume driver is available");

    /// <summary>Reads <c>networks</c>: the <c>bridge</c> driver only, and <c>internal</c>.</summary>
    public static List<TopLevelEntry> ReadNetworks(YamlSource yaml, YamlNode? node, string project) =>
        Read(yaml, node, "networks", project, NetworkKeys, "bridge", "only the bridge network driver is available");

    private static List<TopLevelEntry> Read(YamlSource yaml, YamlNode? node, string section, string project, string[] keys, string driver, string otherDriver)
    {
        var result = new List<TopLevelEntry>();
        if (node is null || YamlSource.IsNull(node))
        {
            return result;
        }

        foreach (var (key, _, value) in yaml.Entries(yaml.Mapping(node, section), section))
        {
            var path = $"{section}.{key}";
            string? name = null;
            bool external = false, isInternal = false;
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!YamlSource.IsNull(value))
            {
                foreach (var (k, kn, v) in yaml.Entries(yaml.Mapping(value, path), path))
                {
                    var at = YamlSource.Join(path, k);
                    switch (keys.Contains(k) ? k : null)
                    {
                        case "name":
                            name = yaml.String(v, at);
                            break;
                        case "external":
                            external = yaml.Bool(v, at);
                            break;
                        case "internal":
                            isInternal = yaml.Bool(v, at);
                            break;
                        case "labels":
                            foreach (var (lk, lv) in yaml.Pairs(v, at))
                            {
                                labels[lk] = lv ?? string.Empty;
                            }

                            break;
                        case "driver":
                            if (yaml.String(v, at) != driver)
                            {
                                throw yaml.Error(ComposeErrorKind.InvalidValue, v, at, otherDriver);
                            }

                            break;
                        case "driver_opts":
                            yaml.Pairs(v, at);
                            break;
                        default:
                            throw yaml.Unknown(kn, path, k, keys);
                    }
                }
            }

            result.Add(new TopLevelEntry(key, name ?? (external ? key : $"{project}_{key}"), external, isInternal, labels));
        }

        return result;
    }
}
