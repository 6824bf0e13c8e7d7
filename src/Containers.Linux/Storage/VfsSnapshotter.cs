using System.Diagnostics;
using Containers.Hosting;
using Containers.Storage;

namespace Containers.Linux.Storage;

/// <summary>
/// The vfs storage driver as a snapshotter: every snapshot is a full copy of its parent in a plain directory, so it
/// works on any file system; committing keeps the copy.
/// </summary>
internal sealed class VfsSnapshotter(StoreLayout layout) : Snapshotter(Path.Combine(layout.Storage, "vfs"))
{
    public override string Name => "vfs";

    protected override async Task CreateContentAsync(string directory, IReadOnlyList<string> chain, CancellationToken cancellationToken)
    {
        var fs = Path.Combine(directory, "fs");
        if (chain.Count == 0)
        {
            Directory.CreateDirectory(fs);
            return;
        }

        // The committed parent is a full copy already; cp -a keeps owners, modes, times, links, devices and xattrs.
        using var copy = Process.Start(new ProcessStartInfo("cp", ["-a", "--reflink=auto", "--", Path.Combine(chain[^1], "fs"), fs]) { RedirectStandardError = true })
            ?? throw new IOException("cannot start cp to copy the parent snapshot");
        var error = await copy.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await copy.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (copy.ExitCode != 0)
        {
            throw new IOException($"copying the parent snapshot failed: {error.Trim()}");
        }
    }

    protected override IReadOnlyList<StorageMount> Mounts(string directory, SnapshotKind kind, IReadOnlyList<string> chain) =>
        [new StorageMount("bind", Path.Combine(directory, "fs"), ["rbind", kind == SnapshotKind.View ? "ro" : "rw"])];

    protected override void CommitContent(string snapshot, string layer) =>
        Directory.Move(Path.Combine(snapshot, "fs"), Path.Combine(layer, "fs"));
}
