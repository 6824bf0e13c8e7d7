namespace Containers.Compose;

/// <summary>Configures <see cref="ComposeOrchestrator.UpAsync"/>, as <c>docker compose up</c>'s flags do.</summary>
public sealed record ComposeUpOptions
{
    /// <summary>Gets the services to start (with what they depend on); empty starts all.</summary>
    public IReadOnlyList<string> Services { get; init; } = [];

    /// <summary>Gets a value indicating whether images with a <c>build</c> section are rebuilt even when present (<c>--build</c>).</summary>
    public bool Build { get; init; }

    /// <summary>Gets a value indicating whether to return only once every service runs, is healthy or (one-shot jobs) completed (<c>--wait</c>).</summary>
    public bool Wait { get; init; }

    /// <summary>Gets how long waiting for a dependency's condition or <see cref="Wait"/> may take; 5 minutes by default.</summary>
    public TimeSpan WaitTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets a value indicating whether containers are detached: parented by the engine's monitor so they outlive this
    /// process (the command line's <c>up</c>); otherwise they die with it, as a test fixture wants.
    /// </summary>
    public bool Detached { get; init; } = true;

    /// <summary>Gets a value indicating whether existing containers are recreated even when their service did not change.</summary>
    public bool ForceRecreate { get; init; }
}

/// <summary>Configures <see cref="ComposeOrchestrator.DownAsync"/>, as <c>docker compose down</c>'s flags do.</summary>
public sealed record ComposeDownOptions
{
    /// <summary>Gets a value indicating whether the project's named volumes (and containers' anonymous ones) are removed too (<c>-v</c>).</summary>
    public bool RemoveVolumes { get; init; }

    /// <summary>Gets how long each container may take to stop before SIGKILL; the container's own stop timeout when null.</summary>
    public TimeSpan? Timeout { get; init; }
}

/// <summary>Configures <see cref="ComposeOrchestrator.RunAsync"/> (<c>docker compose run</c>): a one-off container of a service.</summary>
public sealed record ComposeRunOptions
{
    /// <summary>Gets the command, replacing the service's; null keeps it.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>Gets extra environment variables as <c>NAME=value</c>.</summary>
    public IReadOnlyList<string> Environment { get; init; } = [];

    /// <summary>Gets a value indicating whether the service's dependencies are not started first (<c>--no-deps</c>).</summary>
    public bool NoDeps { get; init; }

    /// <summary>Gets a value indicating whether the container is detached (outlives this process).</summary>
    public bool Detached { get; init; }

    /// <summary>Gets a value indicating whether the service's ports are published (<c>--service-ports</c>).</summary>
    public bool ServicePorts { get; init; }

    /// <summary>Gets the user, replacing the service's.</summary>
    public string? User { get; init; }

    /// <summary>Gets the entrypoint, replacing the service's.</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }
}
