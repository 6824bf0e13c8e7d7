namespace Containers.Volumes;

/// <summary>Reports a malformed mount: a bad <c>-v</c>, <c>--mount</c> or <c>--tmpfs</c> value, or a mount that cannot be made.</summary>
public sealed class InvalidMountSpecException : ContainersException
{
    /// <summary>Initializes a new instance naming the specification and the problem.</summary>
    public InvalidMountSpecException(string spec, string problem)
        : base($"invalid mount specification '{spec}': {problem}")
    {
        Spec = spec;
        Problem = problem;
    }

    /// <summary>Gets the refused specification as given.</summary>
    public string Spec { get; }

    /// <summary>Gets what is wrong with it.</summary>
    public string Problem { get; }
}
