using System.Globalization;

namespace Containers.Testing;

/// <summary>A device node that exists on this host and opens, for tests that must open a device Docker's rules deny.</summary>
/// <param name="Path">The host's node.</param>
/// <param name="Type"><c>c</c> for a character device, <c>b</c> for a block device.</param>
/// <param name="Major">The major number.</param>
/// <param name="Minor">The minor number.</param>
public sealed record HostDevice(string Path, char Type, int Major, int Minor)
{
    /// <summary>Character devices outside Docker's default rules, the optional ones last but probed all the same.</summary>
    public static readonly IReadOnlyList<string> CharacterCandidates = ["/dev/kmsg", "/dev/loop-control", "/dev/net/tun", "/dev/fuse", "/dev/kvm", "/dev/rtc0"];

    /// <summary>Block devices a machine of this kind may have.</summary>
    public static readonly IReadOnlyList<string> BlockCandidates = ["/dev/loop0", "/dev/loop1", "/dev/vda", "/dev/sda", "/dev/nvme0n1", "/dev/xvda"];

    /// <summary>Returns the first candidate that exists, is a device of the type and opens for reading here; null when none does.</summary>
    public static HostDevice? FindOpenable(char type, IEnumerable<string>? candidates = null)
    {
        foreach (var path in candidates ?? (type == 'c' ? CharacterCandidates : BlockCandidates))
        {
            if (Probe(path, type) is { } device)
            {
                return device;
            }
        }

        return null;
    }

    private static HostDevice? Probe(string path, char type)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        // /sys/dev/<kind>/MAJ:MIN names every registered device; match it to the node by its uevent DEVNAME.
        var kind = type == 'c' ? "char" : "block";
        var name = path["/dev/".Length..];
        var entry = System.IO.Directory.Exists($"/sys/dev/{kind}")
            ? System.IO.Directory.EnumerateFileSystemEntries($"/sys/dev/{kind}").FirstOrDefault(d => DevName(d) == name)
            : null;
        if (entry is null)
        {
            return null;
        }

        var numbers = System.IO.Path.GetFileName(entry).Split(':');
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // a node whose driver is absent (ENXIO, ENODEV) is no use
        }

        return new HostDevice(path, type, int.Parse(numbers[0], CultureInfo.InvariantCulture), int.Parse(numbers[1], CultureInfo.InvariantCulture));
    }

    private static string? DevName(string sysDevice)
    {
        try
        {
            return File.ReadLines(System.IO.Path.Combine(sysDevice, "uevent")).FirstOrDefault(l => l.StartsWith("DEVNAME=", StringComparison.Ordinal))?["DEVNAME=".Length..];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
