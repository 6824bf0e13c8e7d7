using Containers.Images;
using Containers.Oci.Runtime;

namespace Containers.Containers;

/// <summary>Describes a container fully, as <c>inspect</c> shows it.</summary>
public sealed record ContainerDetails
{
    /// <summary>Gets the container ID.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets when it was created.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>Gets the image as the user named it.</summary>
    public required string Image { get; init; }

    /// <summary>Gets the image ID.</summary>
    public required Digest ImageId { get; init; }

    /// <summary>Gets the program and arguments it runs (entrypoint and command merged).</summary>
    public required IReadOnlyList<string> Args { get; init; }

    /// <summary>Gets the options it was created with.</summary>
    public required ContainerCreateOptions Options { get; init; }

    /// <summary>Gets its labels: the image's, then the caller's.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets its state.</summary>
    public required ContainerState State { get; init; }

    /// <summary>Gets its log file.</summary>
    public required string LogPath { get; init; }

    /// <summary>Gets the runtime specification it last started with, if it started.</summary>
    public RuntimeSpec? Spec { get; init; }

    /// <summary>Gets its health (Docker's <c>State.Health</c>), or null when it has no health check or never started.</summary>
    public ContainerHealth? Health { get; init; }

    /// <summary>Gets the effective health check (the image's and the options' merged, defaults applied), or null for none.</summary>
    public HealthCheckConfig? HealthCheck { get; init; }
}
