namespace Containers.Containers;

/// <summary>
/// Reports that the runtime could not set a container up: which step failed and with which error
/// (<c>mount of /proc failed: EPERM (Operation not permitted)</c>).
/// </summary>
public sealed class ContainerStartException : ContainersException
{
    /// <summary>Initializes a new instance for the failed step.</summary>
    public ContainerStartException(string step, int errno, string errnoName, string message)
        : base(message)
    {
        Step = step;
        Errno = errno;
        ErrnoName = errnoName;
    }

    /// <summary>Gets the step that failed, in words.</summary>
    public string Step { get; }

    /// <summary>Gets the error number the kernel returned.</summary>
    public int Errno { get; }

    /// <summary>Gets the error's symbolic name (<c>EPERM</c>).</summary>
    public string ErrnoName { get; }
}
