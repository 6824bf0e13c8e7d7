using Containers.Oci.Runtime;

namespace Containers.Linux.Cgroups;

/// <summary>Reads a device rule's fields the way both cgroup versions need them.</summary>
internal static class DeviceAccess
{
    /// <summary>The access bits of the kernel's device cgroup (BPF_DEVCG_ACC_*).</summary>
    public const int Mknod = 1;
    public const int Read = 2;
    public const int Write = 4;
    public const int All = Mknod | Read | Write;

    /// <summary>Returns the access bits of a rule; none given means all three.</summary>
    public static int Bits(RuntimeDeviceRule rule)
    {
        if (string.IsNullOrEmpty(rule.Access))
        {
            return All;
        }

        var bits = 0;
        foreach (var c in rule.Access)
        {
            bits |= c switch
            {
                'r' => Read,
                'w' => Write,
                'm' => Mknod,
                _ => throw new ArgumentException($"The device rule access '{rule.Access}' is invalid: use r, w and m.", nameof(rule)),
            };
        }

        return bits;
    }

    /// <summary>Returns <c>c</c>, <c>b</c> or <c>a</c> (any).</summary>
    public static char Type(RuntimeDeviceRule rule) => rule.Type switch
    {
        null or "" or "a" => 'a',
        "c" => 'c',
        "b" => 'b',
        _ => throw new ArgumentException($"The device rule type '{rule.Type}' is invalid: use c, b or a.", nameof(rule)),
    };

    /// <summary>Tells whether a rule matches every device and every access.</summary>
    public static bool MatchesEverything(RuntimeDeviceRule rule) =>
        Type(rule) == 'a' && rule.Major is null or < 0 && rule.Minor is null or < 0 && Bits(rule) == All;

    /// <summary>Returns the v1 form of a number: the number, or <c>*</c> for any.</summary>
    public static string Number(long? value) => value is null or < 0 ? "*" : value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
