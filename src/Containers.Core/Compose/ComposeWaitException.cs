namespace Containers.Compose;

/// <summary>
/// A service did not reach the state another service or <c>--wait</c> waits for: it exited, failed, became unhealthy
/// or took too long. The message names the service and container and what was seen; check its logs.
/// </summary>
public sealed class ComposeWaitException : ContainersException
{
    /// <summary>Initializes a new instance.</summary>
    public ComposeWaitException(string service, string container, string message)
        : base($"service {service} ({container}): {message}; see 'compose logs {service}'")
    {
        Service = service;
        Container = container;
    }

    /// <summary>Gets the service.</summary>
    public string Service { get; }

    /// <summary>Gets the container name.</summary>
    public string Container { get; }
}
