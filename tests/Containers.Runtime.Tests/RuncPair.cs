using System.Text.Json.Nodes;
using Containers.Testing;

namespace Containers.Runtime.Tests;

/// <summary>
/// One scenario under ours and under runc side by side: a copy of the same bundle each, a cgroup path each (so the
/// cgroup files of both can be read and compared) and the same commands, where <c>{id}</c> and <c>{bundle}</c> stand
/// for each side's own.
/// </summary>
internal sealed class RuncPair : IDisposable
{
    private readonly TempDirectory _scratch;
    private readonly List<string> _runcIds = [];

    public RuncPair(TempDirectory scratch)
    {
        _scratch = scratch;
        Ours = new RuntimeCli(scratch);
        Runc = new RuncCli(scratch);
    }

    public RuntimeCli Ours { get; }

    public RuncCli Runc { get; }

    /// <summary>Force-deletes what either runtime still has.</summary>
    public void Dispose()
    {
        Ours.Dispose();
        foreach (var id in _runcIds)
        {
            Runc.RunAsync("delete", "--force", id).GetAwaiter().GetResult();
        }
    }

    /// <summary>Writes the bundle twice (ours and runc's, paths of equal length) with the same edit and a cgroup path of each side's own.</summary>
    public async Task<PairedContainer> BundleAsync(string name, string[] args, Action<JsonObject>? edit = null, string? id = null)
    {
        id ??= RuntimeBundle.NewId(name);
        async Task<Side> SideAsync(string suffix, string bundleSuffix)
        {
            var cgroupsPath = $"ocirt-cmp-{id}-{suffix}";
            var bundle = await RuntimeBundle.CreateAsync(_scratch, args, c =>
            {
                edit?.Invoke(c);
                c["linux"]!["cgroupsPath"] = "/" + cgroupsPath;
            }, $"{id}-{bundleSuffix}");
            return new Side($"{id}-{suffix}", bundle, cgroupsPath);
        }

        var pair = new PairedContainer(await SideAsync("o", "ours"), await SideAsync("r", "runc"));
        lock (_runcIds)
        {
            _runcIds.Add(pair.Runc.Id);
        }

        return pair;
    }

    /// <summary>Runs the same command under both, one after the other (ours first).</summary>
    public async Task<(RuntimeResult Ours, RuntimeResult Runc)> RunAsync(PairedContainer container, params string[] args)
    {
        var ours = await Ours.RunAsync([.. args.Select(a => container.Ours.Fill(a))]);
        var runc = await Runc.RunAsync([.. args.Select(a => container.Runc.Fill(a))]);
        return (ours, runc);
    }
}

/// <summary>The two copies of one container: ours and runc's.</summary>
internal sealed record PairedContainer(Side Ours, Side Runc)
{
    public IEnumerable<Side> Both => [Ours, Runc];
}

/// <summary>One runtime's copy of a container: its ID, bundle and cgroup path (relative to each hierarchy's root).</summary>
internal sealed record Side(string Id, string Bundle, string CgroupsPath)
{
    public string Fill(string argument) => argument.Replace("{id}", Id, StringComparison.Ordinal).Replace("{bundle}", Bundle, StringComparison.Ordinal);

    /// <summary>Reads a cgroup file of this container ("memory/memory.limit_in_bytes" on v1; the controller part is dropped on v2).</summary>
    public string? CgroupFile(string file)
    {
        var parts = file.Split('/', 2);
        var path = Path.Combine(HostCgroups.Directory(parts[0], CgroupsPath), parts[1]);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    /// <summary>Lists the cgroup directories of this container that exist in any hierarchy (named ones included).</summary>
    public IReadOnlyList<string> CgroupDirectories() =>
        Directory.EnumerateDirectories(HostCgroups.DefaultRoot)
            .Select(hierarchy => Path.Combine(hierarchy, CgroupsPath))
            .Append(Path.Combine(HostCgroups.DefaultRoot, CgroupsPath))
            .Where(Directory.Exists)
            .ToList();
}
