namespace Containers.Compose;

/// <summary>Configures a <see cref="ComposeEnvironment"/>: which project to start and how long it may take.</summary>
public sealed record ComposeEnvironmentOptions
{
    /// <summary>Gets how the Compose files are read (files, project name, profiles, environment).</summary>
    public ComposeLoadOptions Load { get; init; } = new();

    /// <summary>
    /// Gets a value indicating whether the project name gets a random suffix, so parallel tests (or runs) of the same
    /// files never share containers, networks or volumes. On by default.
    /// </summary>
    public bool UniqueProjectName { get; init; } = true;

    /// <summary>Gets the services to start (with their dependencies); empty starts all.</summary>
    public IReadOnlyList<string> Services { get; init; } = [];

    /// <summary>Gets how long starting may take until every service is ready (<c>--wait</c>); 5 minutes by default.</summary>
    public TimeSpan WaitTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets a value indicating whether images with a <c>build</c> section are rebuilt (the builder's cache still applies).</summary>
    public bool Build { get; init; }

    /// <summary>
    /// Gets a value indicating whether containers are detached (outlive this process). Off by default: a test host that
    /// dies takes its containers with it; <see cref="ComposeEnvironment.DisposeAsync"/> removes everything else.
    /// </summary>
    public bool Detached { get; init; }
}
