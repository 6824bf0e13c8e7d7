using Containers.Images;

namespace Containers.Hosting;

/// <summary>Configures a container engine.</summary>
public sealed class ContainersOptions
{
    /// <summary>The store root used when neither <see cref="Root"/> nor <c>CONTAINERS_ROOT</c> says otherwise.</summary>
    public const string DefaultRoot = "/var/lib/dotnet-containers";

    /// <summary>The environment variable that overrides the default store root.</summary>
    public const string RootEnvironmentVariable = "CONTAINERS_ROOT";

    /// <summary>
    /// Gets or sets the directory holding all images, containers, volumes and networks. Several processes may share it.
    /// The default is <c>$CONTAINERS_ROOT</c> when set, else <c>/var/lib/dotnet-containers</c>.
    /// </summary>
    public string Root { get; set; } = Environment.GetEnvironmentVariable(RootEnvironmentVariable) is { Length: > 0 } root ? root : DefaultRoot;

    /// <summary>Gets or sets the platform images are chosen for from multi-platform indexes. The default is the host's.</summary>
    public Platform Platform { get; set; } = Platform.Current;

    /// <summary>
    /// Gets or sets the network mode of containers created without one: <c>bridge</c>, <c>none</c>, <c>host</c> or a
    /// network's name. The default, <see langword="null"/>, means <c>bridge</c> when a platform package adds a network
    /// driver, as in Docker, and <c>none</c> otherwise.
    /// </summary>
    public string? DefaultNetwork { get; set; }

    /// <summary>
    /// Gets or sets how long an operation on a container waits for another process's operation on the same container
    /// before it fails with a <see cref="LockTimeoutException"/> naming that process. The default is 2 minutes.
    /// </summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
