namespace Containers;

/// <summary>
/// Is the base of every error the engine raises on purpose; catch it to handle any engine failure.
/// </summary>
/// <remarks>
/// Errors the caller can act on have their own subclass carrying the data needed to act
/// (a reference, a digest, a path). Misuse of the API (a null argument, a disposed engine) is
/// reported with the standard BCL exceptions instead.
/// </remarks>
public partial class ContainersException : Exception
{
    /// <summary>Initializes a new instance with a message.</summary>
    public ContainersException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the error that caused it.</summary>
    public ContainersException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets a value indicating whether retrying the same operation later may succeed.</summary>
    public virtual bool IsTransient => false;
}
