using Containers.Oci.Runtime;

namespace Containers.Linux.Cgroups;

/// <summary>Applies device rules through the v1 devices controller: devices.allow and devices.deny, in order.</summary>
internal static class DeviceRulesV1
{
    public static void Apply(string directory, IReadOnlyList<RuntimeDeviceRule> rules)
    {
        foreach (var rule in rules)
        {
            var file = rule.Allow ? "devices.allow" : "devices.deny";

            // "a" resets the whole list to allow-all or deny-all, which is only right for a rule matching everything.
            if (DeviceAccess.MatchesEverything(rule))
            {
                CgroupFiles.Write(directory, file, "a");
                continue;
            }

            var bits = DeviceAccess.Bits(rule);
            var access = ((bits & DeviceAccess.Read) != 0 ? "r" : string.Empty) + ((bits & DeviceAccess.Write) != 0 ? "w" : string.Empty) + ((bits & DeviceAccess.Mknod) != 0 ? "m" : string.Empty);
            var numbers = $"{DeviceAccess.Number(rule.Major)}:{DeviceAccess.Number(rule.Minor)}";
            var type = DeviceAccess.Type(rule);
            foreach (var t in type == 'a' ? "cb" : type.ToString())
            {
                CgroupFiles.Write(directory, file, $"{t} {numbers} {access}");
            }
        }
    }
}
