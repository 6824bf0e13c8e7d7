using Containers.Containers;

namespace Containers.Linux.Runtime;

/// <summary>The file type bits mknod needs for each device type of the runtime specification.</summary>
internal static class DeviceNodes
{
    /// <summary>Returns S_IFCHR for c and u (unbuffered character), S_IFBLK for b, S_IFIFO for p.</summary>
    public static int TypeBits(string type) => type switch
    {
        "c" or "u" => 0x2000,
        "b" => 0x6000,
        "p" => 0x1000,
        _ => throw new InvalidContainerConfigurationException("linux.devices", $"device type {type} is not one of c, u, b, p"),
    };
}
