namespace Containers.Fixtures;

/// <summary>
/// Thrown by a wait strategy to end the wait at once because the container will not become ready (it reported itself
/// unhealthy, say); the start then fails with a <see cref="ContainerWaitException"/> carrying this as its cause.
/// </summary>
public sealed class WaitFailedException : Exception
{
    /// <summary>Initializes a new instance with a message saying why the container will not become ready.</summary>
    public WaitFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    public WaitFailedException()
    {
    }

    /// <summary>Initializes a new instance with a message and a cause.</summary>
    public WaitFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
