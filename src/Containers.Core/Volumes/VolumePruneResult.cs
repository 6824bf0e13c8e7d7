namespace Containers.Volumes;

/// <summary>Reports what <c>volume prune</c> removed.</summary>
public sealed record VolumePruneResult
{
    /// <summary>Gets the names of the removed volumes.</summary>
    public required IReadOnlyList<string> Removed { get; init; }

    /// <summary>Gets the bytes their data took.</summary>
    public long SpaceReclaimed { get; init; }
}
