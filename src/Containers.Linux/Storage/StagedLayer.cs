using Containers.Hosting;
using Containers.Images;

namespace Containers.Linux.Storage;

/// <summary>A layer unpacked into a staging directory, waiting for its parents before it is committed; holds the layer's lock until disposed.</summary>
internal sealed class StagedLayer(FileLock held, Digest chainId, string path) : IDisposable
{
    private FileLock? _held = held;

    public Digest ChainId { get; } = chainId;

    /// <summary>Gets the staging directory (it holds <c>diff</c>, and the mount points used to finish the layer).</summary>
    public string Path { get; } = path;

    public string Diff => System.IO.Path.Combine(Path, "diff");

    /// <summary>Gets or sets the directories the layer did not list but needed, which take their metadata from the parents.</summary>
    public IReadOnlyCollection<string> CreatedDirectories { get; set; } = [];

    /// <summary>Gets or sets a value indicating whether the layer must be unpacked on top of its parents (it hard-links into them).</summary>
    public bool NeedsParents { get; set; }

    /// <summary>Deletes what is left of the staging directory, then releases the lock.</summary>
    public void Dispose()
    {
        if (_held is null)
        {
            return;
        }

        try
        {
            if (Directory.Exists(Path))
            {
                OverlayMount.Unmount(System.IO.Path.Combine(Path, "merged"));
                OverlayMount.Unmount(System.IO.Path.Combine(Path, "parents"));
                Directory.Delete(Path, recursive: true);
            }
        }
        finally
        {
            _held.Dispose();
            _held = null;
        }
    }
}
