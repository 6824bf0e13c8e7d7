namespace Containers.Storage;

/// <summary>Reports a snapshot key that names no snapshot of the kind the operation needs.</summary>
public sealed class SnapshotNotFoundException : ContainersException
{
    /// <summary>Initializes a new instance naming the key and what was expected.</summary>
    public SnapshotNotFoundException(string key, string expected)
        : base($"no {expected} snapshot '{key}' exists in the storage driver; list them with WalkAsync or prepare/commit it first")
    {
        Key = key;
    }

    /// <summary>Gets the key that was not found.</summary>
    public string Key { get; }
}
