namespace Containers.Build;

/// <summary>Reports a build that cannot go on: a missing source file, an unknown stage, a step that failed.</summary>
public class BuildException : ContainersException
{
    /// <summary>Initializes a new instance with a message that says what to do next.</summary>
    public BuildException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the error that caused it.</summary>
    public BuildException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
