namespace Containers.Testing;

/// <summary>
/// A store root on a small tmpfs of its own, so a test can fill the disk without touching anyone else's; disposing it
/// unmounts the tmpfs (lazily, should something still hold it) and deletes the mount point.
/// </summary>
public sealed class TmpfsRoot : IDisposable
{
    private readonly TempDirectory _mountPoint;

    public TmpfsRoot(string prefix, int sizeMegabytes)
    {
        _mountPoint = new TempDirectory(prefix);
        var mount = ExternalTool.RunAsync("mount", ["-t", "tmpfs", "-o", $"size={sizeMegabytes}m", "tmpfs", _mountPoint.Path]).GetAwaiter().GetResult();
        if (mount.ExitCode != 0)
        {
            _mountPoint.Dispose();
            throw new InvalidOperationException("mounting a tmpfs failed: " + mount.Stderr);
        }
    }

    /// <summary>Gets the root directory, on the tmpfs.</summary>
    public string Path => _mountPoint.Path;

    /// <summary>Gets the bytes still free on the tmpfs.</summary>
    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    public void Dispose()
    {
        ExternalTool.RunAsync("umount", ["-l", Path]).GetAwaiter().GetResult();
        _mountPoint.Dispose();
    }
}
