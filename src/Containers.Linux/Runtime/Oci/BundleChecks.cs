using System.Text.Json;
using System.Text.Json.Nodes;
using Containers.Containers.Security;
using Containers.Oci.Runtime;

namespace Containers.Linux.Runtime.Oci;

/// <summary>
/// Refuses at create what runc refuses and the spawn would otherwise drop silently: resources of cgroup controllers
/// this host does not mount (probed, not assumed), and capabilities outside this process's bounding set.
/// </summary>
internal static class BundleChecks
{
    /// <summary>The v1 controller each resource of linux.resources needs (config.json names).</summary>
    private static readonly (string Resource, string Controller)[] Controllers =
    [
        ("memory", "memory"), ("cpu", "cpu"), ("pids", "pids"), ("blockIO", "blkio"), ("hugepageLimits", "hugetlb"),
        ("network", "net_cls"), ("rdma", "rdma"),
    ];

    public static void RefuseUnsupported(string configPath, RuntimeSpec spec, int cgroupVersion)
    {
        RefuseCapabilities(spec.Process?.Capabilities);
        if (cgroupVersion != 1)
        {
            return;
        }

        JsonNode? resources;
        try
        {
            resources = JsonNode.Parse(File.ReadAllBytes(configPath))?["linux"]?["resources"];
        }
        catch (JsonException)
        {
            return;
        }

        if (resources is not JsonObject set)
        {
            return;
        }

        var mounted = MountedV1Controllers();
        foreach (var (resource, controller) in Controllers)
        {
            if (!set.TryGetPropertyValue(resource, out var value) || value is null || IsEmpty(value))
            {
                continue;
            }

            var needed = resource == "network"
                ? (value["classID"] is not null ? ["net_cls"] : Array.Empty<string>()).Concat(value["priorities"] is JsonArray { Count: > 0 } ? ["net_prio"] : [])
                : [controller];
            foreach (var name in needed.Where(n => !mounted.Contains(n)))
            {
                throw new OciRuntimeException($"cannot set {name} limit (linux.resources.{resource}): the {name} cgroup controller is not mounted on this host; remove linux.resources.{resource} from config.json");
            }
        }
    }

    private static bool IsEmpty(JsonNode value) => value switch
    {
        JsonObject o => o.Count == 0 || o.All(p => p.Value is null),
        JsonArray a => a.Count == 0,
        _ => false,
    };

    private static void RefuseCapabilities(RuntimeCapabilities? caps)
    {
        if (caps is null)
        {
            return;
        }

        var bounding = HostBoundingSet();
        foreach (var name in new[] { caps.Bounding, caps.Effective, caps.Permitted, caps.Inheritable }.SelectMany(l => l ?? []).Distinct())
        {
            if ((Capabilities.Mask([name]) & bounding) == 0)
            {
                throw new OciRuntimeException($"capability {name} is not in this host's bounding set (see CapBnd in /proc/self/status), so the container cannot hold it; remove it from process.capabilities");
            }
        }
    }

    private static ulong HostBoundingSet()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapBnd:", StringComparison.Ordinal));
        return line is null ? ulong.MaxValue : Convert.ToUInt64(line[7..].Trim(), 16);
    }

    /// <summary>The v1 controllers mounted in this mount namespace, from the super options of cgroup mounts.</summary>
    private static HashSet<string> MountedV1Controllers()
    {
        var controllers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var separator = line.IndexOf(" - ", StringComparison.Ordinal);
            var fields = separator < 0 ? [] : line[(separator + 3)..].Split(' ');
            if (fields.Length >= 3 && fields[0] == "cgroup")
            {
                controllers.UnionWith(fields[2].Split(','));
            }
        }

        return controllers;
    }
}
