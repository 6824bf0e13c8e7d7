namespace Containers.Hosting;

/// <summary>Names the directories of one engine root, as <c>docs/ARCHITECTURE.md</c> lays them out.</summary>
/// <remarks>
/// The platform packages (Linux storage and networking, the registry client) find their directories and lock files
/// here, so every package agrees on one layout of a root that several processes share.
/// </remarks>
public sealed class StoreLayout
{
    /// <summary>Initializes the layout of <paramref name="root"/>; creates nothing.</summary>
    /// <param name="root">The engine root (<see cref="ContainersOptions.Root"/>).</param>
    /// <param name="lockTimeout">How long an operation waits for a container's lock; the default is <see cref="FileLock.DefaultTimeout"/>.</param>
    public StoreLayout(string root, TimeSpan? lockTimeout = null)
    {
        Root = Path.GetFullPath(root);
        LockTimeout = lockTimeout ?? FileLock.DefaultTimeout;
    }

    /// <summary>Gets the full path of the engine root.</summary>
    public string Root { get; }

    /// <summary>Gets how long an operation waits for a container's lock before it fails naming the holder.</summary>
    public TimeSpan LockTimeout { get; }

    /// <summary>Gets the OCI image layout holding every blob and the image names.</summary>
    public string Content => Path.Combine(Root, "content");

    /// <summary>Gets the storage drivers' directory.</summary>
    public string Storage => Path.Combine(Root, "storage");

    /// <summary>Gets the per-container state directories.</summary>
    public string Containers => Path.Combine(Root, "containers");

    /// <summary>Gets the named volumes' directories.</summary>
    public string Volumes => Path.Combine(Root, "volumes");

    /// <summary>Gets the network records' directory.</summary>
    public string Networks => Path.Combine(Root, "networks");

    /// <summary>Gets the directory of the lock files.</summary>
    public string Locks => Path.Combine(Root, "locks");

    /// <summary>Gets the scratch directory for in-progress writes; on the same file system as the store so renames are atomic.</summary>
    public string Temp => Path.Combine(Root, "tmp");

    /// <summary>Returns the lock file named <paramref name="name"/> (for <see cref="FileLock"/>).</summary>
    public string Lock(string name) => Path.Combine(Locks, name + ".lock");
}
