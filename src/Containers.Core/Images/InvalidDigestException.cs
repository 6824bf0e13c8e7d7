namespace Containers.Images;

/// <summary>Reports text that is not a valid, supported digest.</summary>
public sealed class InvalidDigestException : ContainersException
{
    /// <summary>Initializes a new instance for the rejected text and the reason.</summary>
    public InvalidDigestException(string value, string reason)
        : base($"invalid digest '{Truncate(value)}': {reason}")
    {
        Value = value;
        Reason = reason;
    }

    /// <summary>Gets the rejected text.</summary>
    public string Value { get; }

    /// <summary>Gets why the text was rejected.</summary>
    public string Reason { get; }

    private static string Truncate(string value) => value.Length > 200 ? value[..200] + "..." : value;
}
