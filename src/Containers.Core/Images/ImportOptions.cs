namespace Containers.Images;

/// <summary>Configures <see cref="IImageService.ImportAsync"/>.</summary>
public sealed record ImportOptions
{
    /// <summary>Gets the name for the new image; <see langword="null"/> leaves it unnamed.</summary>
    public string? Reference { get; init; }

    /// <summary>Gets the platform to record; the default is the engine's platform.</summary>
    public Platform? Platform { get; init; }

    /// <summary>
    /// Gets Dockerfile instructions applied to the configuration, as <c>docker import --change</c> takes them:
    /// <c>CMD</c>, <c>ENTRYPOINT</c>, <c>ENV</c>, <c>WORKDIR</c>, <c>USER</c>, <c>LABEL</c>, <c>EXPOSE</c>, <c>VOLUME</c>, <c>STOPSIGNAL</c>.
    /// </summary>
    public IReadOnlyList<string> Changes { get; init; } = [];

    /// <summary>Gets the history comment; the default is <c>Imported from -</c>.</summary>
    public string? Message { get; init; }
}
