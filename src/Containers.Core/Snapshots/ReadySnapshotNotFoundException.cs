namespace Containers.Snapshots;

/// <summary>Is thrown when no ready-state snapshot's key starts with the given prefix; list them with <c>containers snapshot ls</c>.</summary>
public sealed class ReadySnapshotNotFoundException : ContainersException
{
    /// <summary>Initializes a new instance for a key prefix that matched nothing.</summary>
    public ReadySnapshotNotFoundException(string keyPrefix)
        : base($"no ready-state snapshot has a key starting with '{keyPrefix}'; list them with 'containers snapshot ls'")
    {
        KeyPrefix = keyPrefix;
    }

    /// <summary>Gets the key prefix that matched nothing.</summary>
    public string KeyPrefix { get; }
}
