namespace Containers.Internal;

/// <summary>Names the directories of one engine root, as <c>ARCHITECTURE.md</c> lays them out.</summary>
internal sealed class StoreLayout
{
    public StoreLayout(string root, TimeSpan? lockTimeout = null)
    {
        Root = Path.GetFullPath(root);
        LockTimeout = lockTimeout ?? FileLock.DefaultTimeout;
    }

    public string Root { get; }

    /// <summary>Gets how long an operation waits for a container's lock before it fails naming the holder.</summary>
    public TimeSpan LockTimeout { get; }

    /// <summary>Gets the OCI image layout holding every blob and the image names.</summary>
    public string Content => Path.Combine(Root, "content");

    /// <summary>Gets the storage drivers' directory.</summary>
    public string Storage => Path.Combine(Root, "storage");

    /// <summary>Gets the per-container state directories.</summary>
    public string Containers => Path.Combine(Root, "containers");

    public string Volumes => Path.Combine(Root, "volumes");

    public string Networks => Path.Combine(Root, "networks");

    public string Locks => Path.Combine(Root, "locks");

    /// <summary>Gets the scratch directory for in-progress writes; on the same file system as the store so renames are atomic.</summary>
    public string Temp => Path.Combine(Root, "tmp");

    public string Lock(string name) => Path.Combine(Locks, name + ".lock");
}
