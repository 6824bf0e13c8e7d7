using System.Text.RegularExpressions;
using Containers.Hosting;
using Containers.Linux.Networking;

namespace Containers.Linux.Roots;

/// <summary>
/// Reclaims engine bridges that carry no owner label: the kernel takes no alias when it creates a link, so a process
/// killed between creating a network's bridge and labelling it leaves a bridge that no label attributes to a root.
/// </summary>
/// <remarks>
/// Only bridges named as the engine names them (<c>dc</c> and 12 hex digits) with an empty alias are considered. New
/// networks create and label their bridge under the host's network lock, so under that lock an unlabelled one is not
/// being made; a bridge that a live root's network records name (recovery recreates those after a reboot, outside the
/// lock) is that root's and is left to its recovery.
/// </remarks>
internal static partial class UnlabelledBridges
{
    private const string NetDirectory = "/sys/class/net";

    /// <summary>Deletes the unlabelled engine bridges that no live root names; skips when the host's network lock is busy.</summary>
    /// <returns>How many bridges were deleted.</returns>
    public static async Task<int> ReclaimAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (Candidates().Count == 0)
        {
            return 0;
        }

        FileLock held;
        try
        {
            held = await FileLock.AcquireAsync(BridgeDriver.HostLockPath, exclusive: true, wait, cancellationToken).ConfigureAwait(false);
        }
        catch (LockTimeoutException)
        {
            return 0;
        }

        using (held)
        {
            var named = NamedByLiveRoots();
            var removed = 0;
            using var netlink = Netlink.Open();
            foreach (var (name, index) in Candidates().Where(c => !named.Contains(c.Name)))
            {
                LinkLabels.Delete(netlink, index, name);
                removed++;
            }

            return removed;
        }
    }

    /// <summary>The engine-named bridges on the host whose alias is empty, with their interface indexes.</summary>
    private static List<(string Name, int Index)> Candidates()
    {
        var found = new List<(string, int)>();
        foreach (var directory in Directory.EnumerateDirectories(NetDirectory))
        {
            var name = Path.GetFileName(directory);
            if (EngineBridgeName().IsMatch(name) && Directory.Exists(Path.Combine(directory, "bridge"))
                && ReadTrimmed(Path.Combine(directory, "ifalias")) is { Length: 0 } && ReadTrimmed(Path.Combine(directory, "ifindex")) is { } text
                && int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
            {
                found.Add((name, index));
            }
        }

        return found;
    }

    /// <summary>The bridge names that the network records of live registered roots hold.</summary>
    private static HashSet<string> NamedByLiveRoots()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, root) in RootRegistry.List())
        {
            var networks = new StoreLayout(root).Networks;
            if (RootStatuses.Of(id, root) != RootStatus.Live || !Directory.Exists(networks))
            {
                continue;
            }

            foreach (var record in Directory.EnumerateFiles(networks, "*.json"))
            {
                if (ReadTrimmed(record) is { } text)
                {
                    foreach (Match match in EngineBridgeNameInText().Matches(text))
                    {
                        names.Add(match.Value);
                    }
                }
            }
        }

        return names;
    }

    private static string? ReadTrimmed(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // gone meanwhile
        }
    }

    [GeneratedRegex("^dc[0-9a-f]{12}$")]
    private static partial Regex EngineBridgeName();

    [GeneratedRegex("\\bdc[0-9a-f]{12}\\b")]
    private static partial Regex EngineBridgeNameInText();
}
