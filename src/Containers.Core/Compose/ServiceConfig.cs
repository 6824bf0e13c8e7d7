using Containers.Containers;
using Containers.Networks;
using Containers.Volumes;

namespace Containers.Compose;

/// <summary>One service of a Compose project, resolved: relative paths made absolute, named volumes given their engine names.</summary>
public sealed record ServiceConfig
{
    /// <summary>Gets the service name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the image to run (for a built service, the tag the build gets: <c>&lt;project&gt;-&lt;service&gt;</c> by default).</summary>
    public required string Image { get; init; }

    /// <summary>Gets how to build the image, or null to use <see cref="Image"/> from the store.</summary>
    public ServiceBuild? Build { get; init; }

    /// <summary>Gets the command, replacing the image's <c>CMD</c>.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>Gets the entrypoint, replacing the image's <c>ENTRYPOINT</c>.</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }

    /// <summary>Gets the environment: <c>env_file</c> entries first, then <c>environment</c>, later ones winning.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the published ports.</summary>
    public IReadOnlyList<PortBinding> Ports { get; init; } = [];

    /// <summary>Gets the ports exposed to other services only (informational: every port is reachable on the project's networks).</summary>
    public IReadOnlyList<string> Expose { get; init; } = [];

    /// <summary>Gets the volumes, bind mounts and tmpfs mounts.</summary>
    public IReadOnlyList<ContainerMount> Volumes { get; init; } = [];

    /// <summary>Gets the networks (by their key in the file) with the extra aliases the service has on each.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Networks { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Gets the services this one waits for, and how.</summary>
    public IReadOnlyList<ServiceDependency> DependsOn { get; init; } = [];

    /// <summary>Gets the health check, or null to keep the image's.</summary>
    public HealthCheckConfig? HealthCheck { get; init; }

    /// <summary>Gets a value indicating whether the image's health check is disabled (<c>healthcheck: disable: true</c>).</summary>
    public bool HealthCheckDisabled { get; init; }

    /// <summary>Gets the restart policy.</summary>
    public RestartPolicy Restart { get; init; } = RestartPolicy.No;

    /// <summary>Gets the user.</summary>
    public string? User { get; init; }

    /// <summary>Gets the working directory.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>Gets the service's own labels (Compose adds its <c>com.docker.compose.*</c> labels to them).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets how many containers run the service (<c>deploy.replicas</c>, <c>scale</c>, <c>--scale</c>).</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>Gets the profiles that enable the service; empty means always enabled.</summary>
    public IReadOnlyList<string> Profiles { get; init; } = [];

    /// <summary>Gets the fixed container name, replacing <c>&lt;project&gt;-&lt;service&gt;-1</c> (only with one replica).</summary>
    public string? ContainerName { get; init; }

    /// <summary>Gets the host name.</summary>
    public string? Hostname { get; init; }

    /// <summary>Gets extra <c>/etc/hosts</c> entries as <c>NAME:ADDRESS</c>.</summary>
    public IReadOnlyList<string> ExtraHosts { get; init; } = [];

    /// <summary>Gets the signal <c>stop</c> sends first.</summary>
    public string? StopSignal { get; init; }

    /// <summary>Gets how long <c>stop</c> waits before SIGKILL.</summary>
    public TimeSpan? StopGracePeriod { get; init; }

    /// <summary>Gets the network mode (<c>host</c>, <c>none</c>), replacing the project's networks; null for networks.</summary>
    public string? NetworkMode { get; init; }

    /// <summary>Gets capabilities added to the default set.</summary>
    public IReadOnlyList<string> CapAdd { get; init; } = [];

    /// <summary>Gets capabilities removed from the default set.</summary>
    public IReadOnlyList<string> CapDrop { get; init; } = [];

    /// <summary>Gets a value indicating whether the container is privileged.</summary>
    public bool Privileged { get; init; }

    /// <summary>Gets a value indicating whether the root filesystem is read-only.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Gets the memory limit in bytes.</summary>
    public long? MemLimit { get; init; }

    /// <summary>Gets the CPU limit.</summary>
    public double? Cpus { get; init; }
}

/// <summary>How a service's image is built with the engine's Dockerfile builder.</summary>
public sealed record ServiceBuild
{
    /// <summary>Gets the absolute build context directory.</summary>
    public required string Context { get; init; }

    /// <summary>Gets the Dockerfile, relative to the context.</summary>
    public string Dockerfile { get; init; } = "Dockerfile";

    /// <summary>Gets the build arguments.</summary>
    public IReadOnlyDictionary<string, string> Args { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the stage to build.</summary>
    public string? Target { get; init; }
}

/// <summary>When a dependency counts as ready for the service that waits for it.</summary>
public enum DependencyCondition
{
    /// <summary>Its containers have started (<c>service_started</c>, the default).</summary>
    Started,

    /// <summary>Its health check reports healthy (<c>service_healthy</c>).</summary>
    Healthy,

    /// <summary>It ran to completion with exit code 0 (<c>service_completed_successfully</c>), as a one-shot job.</summary>
    CompletedSuccessfully,
}

/// <summary>One entry of <c>depends_on</c>.</summary>
/// <param name="Service">The service waited for.</param>
/// <param name="Condition">When it counts as ready.</param>
/// <param name="Required">Whether a missing (profile-disabled) dependency is an error; when false it is skipped.</param>
public sealed record ServiceDependency(string Service, DependencyCondition Condition, bool Required = true);
