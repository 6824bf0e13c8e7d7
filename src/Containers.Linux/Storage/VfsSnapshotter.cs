using System.Diagnostics;
using Containers.Hosting;
using Containers.Storage;

namespace Containers.Linux.Storage;

/// <summary>
/// The vfs storage driver as a snapshotter: every snapshot is a full copy of its parent in a plain directory, so it
/// works on any file system; committing keeps the copy. An active snapshot records the state of its copy when it is
/// made (<see cref="VfsDiff"/>), which is how its changes are told later.
/// </summary>
internal sealed class VfsSnapshotter(StoreLayout layout) : Snapshotter(layout, "vfs"), ISnapshotDiffer
{
    private const string Manifest = "fs.state";

    public Task WriteDiffAsync(string key, Stream destination, CancellationToken cancellationToken = default)
    {
        var directory = SnapshotDirectory(key);
        return File.Exists(Path.Combine(directory, "kind"))
            ? VfsDiff.WriteAsync(Path.Combine(directory, "fs"), Path.Combine(directory, Manifest), destination, cancellationToken)
            : throw new SnapshotNotFoundException(key, "active");
    }

    protected override async Task CreateContentAsync(string directory, IReadOnlyList<string> chain, SnapshotKind kind, CancellationToken cancellationToken)
    {
        var fs = Path.Combine(directory, "fs");
        if (chain.Count == 0)
        {
            RootAttributes.SetDefault(Directory.CreateDirectory(fs).FullName);
        }
        else
        {
            await CopyAsync(Path.Combine(chain[^1], "fs"), fs, cancellationToken).ConfigureAwait(false);
        }

        if (kind == SnapshotKind.Active)
        {
            // Renaming the snapshot's directory into place later touches neither fs nor anything below it.
            await VfsDiff.RecordAsync(fs, Path.Combine(directory, Manifest), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task CopyAsync(string from, string to, CancellationToken cancellationToken)
    {
        // The committed parent is a full copy already; cp -a keeps owners, modes, times, links, devices and xattrs.
        using var copy = Process.Start(new ProcessStartInfo("cp", ["-a", "--reflink=auto", "--", from, to]) { RedirectStandardError = true })
            ?? throw new IOException("cannot start cp to copy the parent snapshot");
        var error = await copy.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await copy.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (copy.ExitCode != 0)
        {
            // ENOSPC as the HResult, so callers tell a full disk from other failures (StorageFullException.IsDiskFull).
            var message = $"copying the parent snapshot failed: {error.Trim()}";
            throw error.Contains("No space left on device", StringComparison.Ordinal) ? new IOException(message, 28) : new IOException(message);
        }
    }

    protected override IReadOnlyList<StorageMount> Mounts(string directory, SnapshotKind kind, IReadOnlyList<string> chain) =>
        [new StorageMount("bind", Path.Combine(directory, "fs"), ["rbind", kind == SnapshotKind.View ? "ro" : "rw"])];

    protected override void CommitContent(string snapshot, string layer) =>
        Directory.Move(Path.Combine(snapshot, "fs"), Path.Combine(layer, "fs"));
}
