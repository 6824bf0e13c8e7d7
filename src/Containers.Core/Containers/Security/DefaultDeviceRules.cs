using Containers.Oci.Runtime;

namespace Containers.Containers.Security;

/// <summary>
/// Docker's device cgroup rules as runc applies them: deny everything, allow creating any node (so CAP_MKNOD keeps
/// working) but opening only the standard ones and pseudo-terminals. A privileged container may use every device.
/// </summary>
internal static class DefaultDeviceRules
{
    /// <summary>Gets the rules of an unprivileged container, in the order they apply.</summary>
    public static IReadOnlyList<RuntimeDeviceRule> Default { get; } =
    [
        new() { Allow = false, Access = "rwm" },
        new() { Allow = true, Type = "c", Access = "m" },
        new() { Allow = true, Type = "b", Access = "m" },
        Char(1, 3), // null
        Char(1, 5), // zero
        Char(1, 7), // full
        Char(1, 8), // random
        Char(1, 9), // urandom
        Char(5, 0), // tty
        Char(5, 1), // console
        Char(5, 2), // ptmx
        Char(136, null), // the pseudo-terminals of /dev/pts
    ];

    /// <summary>Gets the single rule of a privileged container.</summary>
    public static IReadOnlyList<RuntimeDeviceRule> Privileged { get; } = [new() { Allow = true, Access = "rwm" }];

    /// <summary>Returns the rules for a container.</summary>
    public static IReadOnlyList<RuntimeDeviceRule> For(bool privileged) => privileged ? Privileged : Default;

    private static RuntimeDeviceRule Char(long major, long? minor) => new() { Allow = true, Type = "c", Major = major, Minor = minor, Access = "rwm" };
}
