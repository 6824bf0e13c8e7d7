using System.Diagnostics;
using Containers.Hosting;
using Containers.Linux.Cgroups;
using Containers.Linux.Interop;
using Containers.Linux.Networking;
using Containers.Linux.Runtime;
using Containers.Linux.Storage;

namespace Containers.Linux.Roots;

/// <summary>
/// Reclaims, host-wide, the kernel objects of roots that are gone: monitors and container processes, cgroups, bridges,
/// veths, nftables tables and mounts of a root deleted with <c>rm -rf</c>, made again at the same path, or of a scratch
/// root whose process died. Every engine start runs one pass; <c>containers system prune</c> and hosts may call it.
/// </summary>
/// <remarks>
/// Only objects carrying this engine's owner label (<c>dotnet-containers id=... root=...</c>) are considered, and only
/// those whose root is gone are touched: objects of live roots and of other software (podman, Docker) never are. Passes
/// on one host take turns under <c>/run/dotnet-containers/reclaim.lock</c>.
/// </remarks>
public static class OrphanedRoots
{
    private const string LockPath = "/run/dotnet-containers/reclaim.lock";
    private const string GenerationPath = "/run/dotnet-containers/reclaim.generation";

    /// <summary>Written by a full pass that found no root gone, with the registry's IDs then; removed by any pass that found one.</summary>
    private const string CleanPath = "/run/dotnet-containers/reclaim.clean";
    private const string CgroupBase = "dotnet-containers";
    private static readonly LinuxNetworkLinks NetworkLinks = new();

    /// <summary>Runs one pass, waiting for a pass another process is running to finish first.</summary>
    /// <returns>What was removed.</returns>
    public static async Task<OrphanReclaimResult> ReclaimAsync(CancellationToken cancellationToken = default)
    {
        using (await FileLock.AcquireAsync(LockPath, exclusive: true, cancellationToken).ConfigureAwait(false))
        {
            return await ReclaimLockedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs one pass at engine start, after the pass another process may be running (passes take milliseconds); when
    /// that one does not end within <paramref name="wait"/>, skips: engine start must not hang on another process.
    /// </summary>
    internal static async Task<OrphanReclaimResult> ReclaimAtStartAsync(TimeSpan wait, CancellationToken cancellationToken = default)
    {
        // Engines starting together share one pass: a pass that began after this call did everything this one would.
        var seen = Generation();
        FileLock held;
        try
        {
            held = await FileLock.AcquireAsync(LockPath, exclusive: true, wait, cancellationToken).ConfigureAwait(false);
        }
        catch (LockTimeoutException)
        {
            return OrphanReclaimResult.None;
        }

        using (held)
        {
            return Generation() > seen ? OrphanReclaimResult.None : await ReclaimLockedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads how many passes began on this host since boot; each pass adds one as it begins, under the lock.</summary>
    private static long Generation()
    {
        try
        {
            return long.TryParse(File.ReadAllText(GenerationPath), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static async Task<OrphanReclaimResult> ReclaimLockedAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        // Renamed into place: a reader without the lock never sees a half-written number.
        File.WriteAllText(GenerationPath + ".tmp", (Generation() + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.Move(GenerationPath + ".tmp", GenerationPath, overwrite: true);

        // Every root registers before it makes a kernel object and leaves the registry only once a pass reclaimed it.
        // So when the last full pass found no gone root, the registry holds the same roots as then (none entered or
        // deleted since), and each is still live, no labelled object can be an orphan: skip the host-wide look (every
        // process's cmdline, every cgroup, link and table), most of what each engine start spent here.
        var registered = RootRegistry.List();
        if (ReadClean() == CleanText(registered) && registered.All(r => RootStatuses.Of(r.Id, r.Root) == RootStatus.Live))
        {
            var unlabelled = await UnlabelledBridges.ReclaimAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            return new OrphanReclaimResult([], 0, 0, unlabelled, 0, 0, clock.Elapsed);
        }

        File.Delete(CleanPath);
        var scan = OrphanScan.Take(registered);
        var statuses = new Dictionary<string, (string? Root, RootStatus Status)>(StringComparer.Ordinal);
        foreach (var (id, root) in scan.Owners())
        {
            statuses[id] = (root, RootStatuses.Of(id, root));
            if (statuses[id].Status == RootStatus.Live && root is not null && scan.Registered.All(r => r.Id != id))
            {
                // A live root with objects but no entry (made before the registry, or the registry was deleted): enter
                // it, so the skipping check above sees when it goes.
                RootRegistry.Register(new OwnerLabel(id, root), root);
            }
        }

        bool Gone(OwnerLabel owner) => statuses.TryGetValue(owner.Id, out var s) && s.Status != RootStatus.Live;
        bool GoneWithPath(string id) => statuses.TryGetValue(id, out var s) && s.Status is RootStatus.Deleted or RootStatus.Abandoned;

        // Processes first: the monitors' containers die with them (parent-death signal), which frees mounts and veths.
        var monitors = 0;
        foreach (var (pid, startTime, owner) in scan.Monitors.Where(m => Gone(m.Owner)))
        {
            if (ProcStat.LiveStartTime(pid) == startTime && Libc.kill(pid, Containers.Signals.Kill) == 0)
            {
                monitors++;
            }
        }

        var cgroupManager = scan.Cgroups.Count > 0 ? CgroupDetector.Detect() : null;
        var cgroups = 0;
        foreach (var (parent, owner) in scan.Cgroups.Where(c => GoneWithPath(c.Owner.Id)))
        {
            if (!StillGoneWithPath(owner.Id, statuses[owner.Id].Root))
            {
                continue; // a root was made at the path meanwhile
            }

            // The parent is named for the root's path: a root made again there owns it now, and its own recovery tidies it.
            foreach (var child in cgroupManager!.List(parent))
            {
                await cgroupManager.DeleteAsync(child, cancellationToken).ConfigureAwait(false);
                cgroups++;
            }

            cgroupManager.RemoveIfEmpty(parent);
        }

        var interfaces = 0;
        var links = scan.Links.Where(l => Gone(l.Owner)).OrderBy(l => l.Bridge).ToList(); // veths before their bridges
        if (links.Count > 0)
        {
            await NetworkLinks.InHostAsync(netlink =>
            {
                foreach (var (name, index, _, _) in links)
                {
                    LinkLabels.Delete(netlink, index, name);
                    interfaces++;
                }
            }).ConfigureAwait(false);
        }

        // Bridges a process was killed while creating, before it could label them.
        interfaces += await UnlabelledBridges.ReclaimAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);

        var tables = 0;
        foreach (var (name, handle, _) in scan.Tables.Where(t => Gone(t.Owner)))
        {
            TableLabels.Delete(name, handle);
            tables++;
        }

        var mounts = 0;
        var roots = new List<string>();
        foreach (var (id, (root, status)) in statuses.Where(s => s.Value.Status != RootStatus.Live))
        {
            roots.Add(root!);
            if ((status is RootStatus.Deleted or RootStatus.Abandoned) && StillGoneWithPath(id, root))
            {
                // Deepest first; detached, so a process still inside cannot keep them.
                foreach (var mount in OverlayMount.MountsUnder(root!).OrderByDescending(m => m.Length))
                {
                    mounts += Libc.umount2(mount, 2) == 0 ? 1 : 0;
                }
            }

            if (status == RootStatus.Abandoned)
            {
                // A scratch root is a temporary directory the engine made: nothing in it outlives its holder.
                DeleteQuietly(root!);
            }

            RootRegistry.Remove(id);
        }

        if (roots.Count == 0)
        {
            // Nothing was gone: the next passes may skip the look while these roots are registered and live.
            File.WriteAllText(CleanPath + ".tmp", CleanText(RootRegistry.List()));
            File.Move(CleanPath + ".tmp", CleanPath, overwrite: true);
        }

        return new OrphanReclaimResult(roots, monitors, cgroups, interfaces, tables, mounts, clock.Elapsed);
    }

    private static string CleanText(IEnumerable<(string Id, string Root)> registered) =>
        string.Join('\n', registered.Select(r => r.Id).Order(StringComparer.Ordinal)) + "\n";

    private static string? ReadClean()
    {
        try
        {
            return File.ReadAllText(CleanPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Asks again right before acting on what a path names (its cgroup parent, its mounts): a root may have been made there since the scan.</summary>
    private static bool StillGoneWithPath(string id, string? root) => RootStatuses.Of(id, root) is RootStatus.Deleted or RootStatus.Abandoned;

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // What is left is files only; a later pass or the user removes them.
        }
    }

    /// <summary>The labelled objects found on the host in one look.</summary>
    private sealed class OrphanScan
    {
        public List<(string Name, int Index, bool Bridge, OwnerLabel Owner)> Links { get; private init; } = [];

        public List<(string Name, ulong Handle, OwnerLabel Owner)> Tables { get; private init; } = [];

        public List<(string Parent, OwnerLabel Owner)> Cgroups { get; private init; } = [];

        public List<(int Pid, ulong StartTime, OwnerLabel Owner)> Monitors { get; private init; } = [];

        public IReadOnlyList<(string Id, string Root)> Registered { get; private init; } = [];

        public static OrphanScan Take(IReadOnlyList<(string Id, string Root)> registered)
        {
            // The registry was read first (by the caller): a root registers before it makes objects, so none found
            // below lacks its entry.
            return new OrphanScan
            {
                Registered = registered,
                Links = LinkLabels.List(NetworkLinks),
                Tables = TableLabels.List(),
                Cgroups = ListCgroups(),
                Monitors = ListMonitors(),
            };
        }

        /// <summary>Every root ID seen, with its path from a label or else the registry.</summary>
        public IEnumerable<(string Id, string? Root)> Owners()
        {
            var roots = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (id, root) in Registered)
            {
                roots[id] = root;
            }

            foreach (var owner in Links.Select(l => l.Owner).Concat(Tables.Select(t => t.Owner)).Concat(Cgroups.Select(c => c.Owner)).Concat(Monitors.Select(m => m.Owner)))
            {
                if (owner.Root is not null || !roots.ContainsKey(owner.Id))
                {
                    roots[owner.Id] = owner.Root ?? RootRegistry.Find(owner.Id);
                }
            }

            return roots.Select(r => (r.Key, r.Value));
        }

        private static List<(string, OwnerLabel)> ListCgroups()
        {
            var found = new List<(string, OwnerLabel)>();
            var manager = CgroupDetector.Detect();
            foreach (var parent in manager.List(CgroupBase))
            {
                if (manager.Directories(parent).Select(RootOwner.ReadCgroupLabel).FirstOrDefault(l => l is not null) is { } owner)
                {
                    found.Add((parent, owner));
                }
            }

            return found;
        }

        private static List<(int, ulong, OwnerLabel)> ListMonitors()
        {
            var found = new List<(int, ulong, OwnerLabel)>();
            var prefix = OwnerLabel.EnvironmentVariable + "=";
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(directory), out var pid))
                {
                    continue;
                }

                try
                {
                    // argv[0] first, its bytes only (every engine start reads every process's): only monitors have their environment read.
                    if (!SmallFile.StartsWith(Path.Combine(directory, "cmdline"), "containers-monitor\0"u8))
                    {
                        continue;
                    }

                    var label = File.ReadAllText(Path.Combine(directory, "environ")).Split('\0').FirstOrDefault(e => e.StartsWith(prefix, StringComparison.Ordinal));
                    if (OwnerLabel.Parse(label?[prefix.Length..]) is { } owner && ProcStat.StartTime(pid) is { } startTime)
                    {
                        found.Add((pid, startTime, owner));
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Exited while listed.
                }
            }

            return found;
        }
    }
}
