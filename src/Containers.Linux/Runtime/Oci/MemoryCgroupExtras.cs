using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Containers.Linux.Cgroups;

namespace Containers.Linux.Runtime.Oci;

/// <summary>
/// The cgroup v1 memory settings of linux.resources.memory beyond limit and swap, which runc applies: reservation
/// (memory.soft_limit_in_bytes), swappiness (memory.swappiness) and disableOOMKiller (memory.oom_control).
/// </summary>
internal static class MemoryCgroupExtras
{
    public static void Apply(string configPath, string cgroupsPath, string hierarchyRoot)
    {
        JsonNode? memory;
        try
        {
            memory = JsonNode.Parse(File.ReadAllBytes(configPath))?["linux"]?["resources"]?["memory"];
        }
        catch (JsonException)
        {
            return;
        }

        if (memory is not JsonObject settings)
        {
            return;
        }

        var directory = Path.Combine(hierarchyRoot, "memory", cgroupsPath);
        if (settings["reservation"] is JsonValue reservation)
        {
            CgroupFiles.Write(directory, "memory.soft_limit_in_bytes", reservation.GetValue<long>().ToString(CultureInfo.InvariantCulture));
        }

        if (settings["swappiness"] is JsonValue swappiness)
        {
            var value = swappiness.GetValue<ulong>();
            if (value > 100)
            {
                throw new OciRuntimeException($"invalid value:{value}. valid memory swappiness range is 0-100 (linux.resources.memory.swappiness)");
            }

            CgroupFiles.Write(directory, "memory.swappiness", value.ToString(CultureInfo.InvariantCulture));
        }

        if (settings["disableOOMKiller"] is JsonValue disable && disable.GetValue<bool>())
        {
            CgroupFiles.Write(directory, "memory.oom_control", "1");
        }
    }
}
