namespace Containers.Snapshots;

/// <summary>Names the labels a ready-state snapshot image and the containers started from it carry.</summary>
public static class ReadySnapshotLabels
{
    /// <summary>On a snapshot image: the key (SHA-256 of everything that determines the snapshot).</summary>
    public const string Key = "org.dotnet.containers.snapshot.key";

    /// <summary>On a snapshot image and the containers started from it: the image the snapshot was taken from, as the fixture named it.</summary>
    public const string Source = "org.dotnet.containers.snapshot.source";

    /// <summary>On the container whose stopped state a snapshot is being taken of: the key being taken.</summary>
    public const string Taking = "org.dotnet.containers.snapshot.taking";
}
