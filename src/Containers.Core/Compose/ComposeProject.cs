namespace Containers.Compose;

/// <summary>
/// A resolved Compose project: the files merged, variables substituted, <c>extends</c> and <c>include</c> applied, profiles
/// chosen and dependencies checked (no cycle, no missing service). <c>config</c> prints it.
/// </summary>
public sealed record ComposeProject
{
    /// <summary>Gets the project name: lower-case letters, digits, <c>-</c> and <c>_</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the directory relative paths (build contexts, bind mounts, env files) are resolved against.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>Gets the Compose files read, the first one's directory being the default working directory.</summary>
    public IReadOnlyList<string> ConfigFiles { get; init; } = [];

    /// <summary>Gets the active services, by name (profiles already applied).</summary>
    public required IReadOnlyDictionary<string, ServiceConfig> Services { get; init; }

    /// <summary>Gets the top-level volumes, by their key in the file.</summary>
    public IReadOnlyDictionary<string, VolumeConfig> Volumes { get; init; } = new Dictionary<string, VolumeConfig>();

    /// <summary>Gets the top-level networks, by their key in the file; <c>default</c> is always there.</summary>
    public IReadOnlyDictionary<string, NetworkConfig> Networks { get; init; } = new Dictionary<string, NetworkConfig>();

    /// <summary>Gets the service names in an order where every service comes after those it depends on (ties by name).</summary>
    public IReadOnlyList<string> StartOrder => DependencyGraph.Order(Services);
}

/// <summary>A top-level volume: created as <c>&lt;project&gt;_&lt;key&gt;</c> unless it is external or has a <c>name</c>.</summary>
public sealed record VolumeConfig
{
    /// <summary>Gets the volume's name in the engine.</summary>
    public required string Name { get; init; }

    /// <summary>Gets a value indicating whether the volume must already exist and is never created or removed.</summary>
    public bool External { get; init; }

    /// <summary>Gets labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}

/// <summary>A top-level network: created as <c>&lt;project&gt;_&lt;key&gt;</c> unless it is external or has a <c>name</c>.</summary>
public sealed record NetworkConfig
{
    /// <summary>Gets the network's name in the engine.</summary>
    public required string Name { get; init; }

    /// <summary>Gets a value indicating whether the network must already exist and is never created or removed.</summary>
    public bool External { get; init; }

    /// <summary>Gets a value indicating whether containers on it are cut off from the outside.</summary>
    public bool Internal { get; init; }

    /// <summary>Gets labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
}
