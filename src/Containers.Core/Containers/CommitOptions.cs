namespace Containers.Containers;

/// <summary>Configures <see cref="IContainerService.CommitAsync"/>.</summary>
public sealed record CommitOptions
{
    /// <summary>Gets the new image's name; <see langword="null"/> leaves it unnamed.</summary>
    public string? Reference { get; init; }

    /// <summary>Gets the history comment.</summary>
    public string? Message { get; init; }

    /// <summary>Gets the author.</summary>
    public string? Author { get; init; }

    /// <summary>Gets Dockerfile instructions applied to the new image's configuration (<c>CMD</c>, <c>ENV</c>, ...).</summary>
    public IReadOnlyList<string> Changes { get; init; } = [];

    /// <summary>Gets a last change to the new image's run defaults, after <see cref="Changes"/> (ready-state snapshots drop the volumes they captured).</summary>
    internal Func<Oci.ContainerConfiguration, Oci.ContainerConfiguration>? ConfigureImage { get; init; }
}
