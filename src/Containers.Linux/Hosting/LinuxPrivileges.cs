using System.Globalization;
using Containers.Linux.Interop;

namespace Containers.Linux.Hosting;

/// <summary>Checks, before the engine touches its root, that the process holds what the Linux runtime needs.</summary>
internal static class LinuxPrivileges
{
    private const int CapSysAdmin = 21;

    /// <summary>Throws unless the process has CAP_SYS_ADMIN in its effective set (root has it, unless a container dropped it).</summary>
    /// <exception cref="InsufficientPrivilegesException">The process would fail later on a lock file, a mount or a chown.</exception>
    public static void EnsureSufficient()
    {
        if (!HasEffectiveCapability(CapSysAdmin))
        {
            throw new InsufficientPrivilegesException(Libc.geteuid());
        }
    }

    /// <summary>Reads the effective capability set from <c>/proc/self/status</c> (a hexadecimal mask on the CapEff line).</summary>
    internal static bool HasEffectiveCapability(int capability)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("CapEff:", StringComparison.Ordinal))
            {
                var mask = ulong.Parse(line.AsSpan("CapEff:".Length).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                return (mask & (1UL << capability)) != 0;
            }
        }

        // A kernel without the line (none since 2.6.x) gives no answer: leave the decision to the operations themselves.
        return true;
    }
}
