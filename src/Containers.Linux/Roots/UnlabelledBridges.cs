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
    /// <summary>Deletes the unlabelled engine bridges that no live root names; skips when the host's network lock is busy.</summary>
    /// <returns>How many bridges were deleted.</returns>
    public static Task<int> ReclaimAsync(TimeSpan wait, CancellationToken cancellationToken) =>
        ReclaimAsync(new LinuxNetworkLinks(), BridgeDriver.HostLockPath, NamedByLiveRoots, wait, cancellationToken);

    /// <summary>Deletes the unlabelled engine bridges of <paramref name="links"/> that <paramref name="namedByLiveRoots"/> does not name, under the lock at <paramref name="lockPath"/>.</summary>
    /// <returns>How many bridges were deleted.</returns>
    internal static async Task<int> ReclaimAsync(INetworkLinks links, string lockPath, Func<HashSet<string>> namedByLiveRoots, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (Candidates(links).Count == 0)
        {
            return 0;
        }

        FileLock held;
        try
        {
            held = await FileLock.AcquireAsync(lockPath, exclusive: true, wait, cancellationToken).ConfigureAwait(false);
        }
        catch (LockTimeoutException)
        {
            return 0;
        }

        using (held)
        {
            // Listed again under the lock: a bridge seen unlabelled before may have been labelled by its creator since.
            var named = namedByLiveRoots();
            var doomed = Candidates(links).Where(c => !named.Contains(c.Name)).ToList();
            if (doomed.Count > 0)
            {
                await links.InHostAsync(netlink =>
                {
                    foreach (var bridge in doomed)
                    {
                        LinkLabels.Delete(netlink, bridge.Index, bridge.Name);
                    }
                }).ConfigureAwait(false);
            }

            return doomed.Count;
        }
    }

    /// <summary>The engine-named bridges on the host whose alias is empty.</summary>
    private static List<NetworkLink> Candidates(INetworkLinks links) =>
        links.List().Where(l => l.IsBridge && l.Alias.Trim().Length == 0 && EngineBridgeName().IsMatch(l.Name)).ToList();

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
