using Containers.Hosting;
using Containers.Storage;

namespace Containers.Linux.Storage;

/// <summary>
/// The overlay storage driver as a snapshotter: committed snapshots are the unpacked image layers of
/// <see cref="OverlayStorage"/> (shared by chain ID); an active snapshot is an upper and work directory over them, whose
/// upper directory holds exactly its changes.
/// </summary>
internal sealed class OverlaySnapshotter(StoreLayout layout) : Snapshotter(layout, "overlay"), ISnapshotDiffer
{
    public async Task WriteDiffAsync(string key, Stream destination, CancellationToken cancellationToken = default)
    {
        var upper = Path.Combine(SnapshotDirectory(key), "upper");
        if (!Directory.Exists(upper))
        {
            throw new SnapshotNotFoundException(key, "active");
        }

        await OverlayDiff.WriteAsync(upper, destination, cancellationToken).ConfigureAwait(false);
    }

    protected override Task CreateContentAsync(string directory, IReadOnlyList<string> chain, SnapshotKind kind, CancellationToken cancellationToken)
    {
        var upper = Directory.CreateDirectory(Path.Combine(directory, "upper")).FullName;
        Directory.CreateDirectory(Path.Combine(directory, "work"));
        if (chain.Count > 0)
        {
            // The overlay's root shows the upper directory's owner and mode: take the parent's, as containerd does.
            RootAttributes.Copy(Path.Combine(chain[^1], "diff"), upper);
        }
        else
        {
            RootAttributes.SetDefault(upper);
        }

        return Task.CompletedTask;
    }

    protected override IReadOnlyList<StorageMount> Mounts(string directory, SnapshotKind kind, IReadOnlyList<string> chain)
    {
        var lowers = chain.Reverse().Select(d => Path.Combine(d, "diff")).ToList();
        if (kind == SnapshotKind.View)
        {
            return lowers.Count switch
            {
                0 => [new StorageMount("bind", Path.Combine(directory, "upper"), ["rbind", "ro"])],
                1 => [new StorageMount("bind", lowers[0], ["rbind", "ro"])],
                _ => [new StorageMount("overlay", "overlay", ["ro", "lowerdir=" + string.Join(':', lowers)])],
            };
        }

        return lowers.Count == 0
            ? [new StorageMount("bind", Path.Combine(directory, "upper"), ["rbind", "rw"])]
            : [new StorageMount("overlay", "overlay", ["lowerdir=" + string.Join(':', lowers), "upperdir=" + Path.Combine(directory, "upper"), "workdir=" + Path.Combine(directory, "work")])];
    }

    protected override void CommitContent(string snapshot, string layer) =>
        Directory.Move(Path.Combine(snapshot, "upper"), Path.Combine(layer, "diff"));
}
