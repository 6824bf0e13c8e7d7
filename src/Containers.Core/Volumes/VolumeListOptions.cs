namespace Containers.Volumes;

/// <summary>Filters <c>volume ls</c>, as its <c>--filter</c> flags do; every filter given must match.</summary>
public sealed record VolumeListOptions
{
    /// <summary>Gets label filters: <c>key</c> (the label is present) or <c>key=value</c>.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Gets a value selecting volumes no container uses (<see langword="true"/>) or used ones (<see langword="false"/>).</summary>
    public bool? Dangling { get; init; }

    /// <summary>Gets a substring the name must contain.</summary>
    public string? Name { get; init; }
}
