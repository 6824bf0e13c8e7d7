namespace Containers.Containers;

/// <summary>Describes a container for listings (<c>ps</c>).</summary>
public sealed record ContainerSummary
{
    /// <summary>Gets the container ID.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the image as the user named it.</summary>
    public required string Image { get; init; }

    /// <summary>Gets the command it runs.</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>Gets when it was created.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>Gets its state.</summary>
    public required ContainerState State { get; init; }

    /// <summary>Gets its labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the status as docker prints it: <c>Up 5 seconds</c>, <c>Up 1 minute (healthy)</c>, <c>Exited (0) 2 minutes ago</c>, <c>Created</c>.</summary>
    public string Status => ContainerStatusText.Describe(State, Health?.Status ?? HealthStatus.None);

    /// <summary>Gets its health, or null when it has no health check or never started.</summary>
    public ContainerHealth? Health { get; init; }
}
