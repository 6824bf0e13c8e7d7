namespace Containers.Testing;

/// <summary>A scratch directory under /tmp (or $TMPDIR) that is deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "containers-test")
        : this(System.IO.Path.GetTempPath(), prefix)
    {
    }

    private TempDirectory(string parent, string prefix)
    {
        Path = System.IO.Path.Combine(parent, $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)]);
        Directory.CreateDirectory(Path);
    }

    /// <summary>
    /// A scratch directory directly under /tmp, whatever $TMPDIR says, for tools that limit a path's length
    /// (podman refuses a runroot longer than 50 characters: it holds sockets).
    /// </summary>
    public static TempDirectory ShortPath(string prefix) => new("/tmp", prefix);

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
