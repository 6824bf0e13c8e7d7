namespace Containers.Compose;

/// <summary>What is wrong with a Compose file.</summary>
public enum ComposeErrorKind
{
    /// <summary>A key the Compose specification does not define (or this engine does not support) at that place.</summary>
    UnknownKey,

    /// <summary>A value of the wrong YAML type: a list where a mapping belongs, text where a number belongs.</summary>
    WrongType,

    /// <summary>A value of the right type that cannot be used (a malformed port, an unknown restart policy).</summary>
    InvalidValue,

    /// <summary>A malformed <c>${...}</c> substitution, or a <c>${VAR:?error}</c> whose variable is unset.</summary>
    Interpolation,

    /// <summary>Services that depend on each other in a circle.</summary>
    DependencyCycle,

    /// <summary>A reference to a service, volume or network the project does not define.</summary>
    MissingReference,

    /// <summary>The file is not valid YAML, or cannot be read.</summary>
    Syntax,
}

/// <summary>
/// A Compose file cannot be used: the message names the file, the line and the key, as <c>docker compose</c> does, so the
/// fix is one edit away. Nothing was created or started when it is thrown.
/// </summary>
public sealed class ComposeFileException : ContainersException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="kind">What is wrong.</param>
    /// <param name="file">The Compose file (or <c>.env</c> file) at fault.</param>
    /// <param name="line">The 1-based line of the offending key or value; 0 when unknown.</param>
    /// <param name="key">The dotted path of the key, such as <c>services.web.ports</c>.</param>
    /// <param name="problem">What is wrong and what to do, in one sentence.</param>
    /// <param name="innerException">The error that caused it, if any.</param>
    public ComposeFileException(ComposeErrorKind kind, string file, int line, string key, string problem, Exception? innerException = null)
        : base($"{file}:{line}: {key}: {problem}", innerException)
    {
        Kind = kind;
        File = file;
        Line = line;
        Key = key;
        Problem = problem;
    }

    /// <summary>Gets what is wrong.</summary>
    public ComposeErrorKind Kind { get; }

    /// <summary>Gets the file at fault.</summary>
    public string File { get; }

    /// <summary>Gets the 1-based line of the offending key or value (0 when unknown).</summary>
    public int Line { get; }

    /// <summary>Gets the dotted path of the key, such as <c>services.web.ports</c>.</summary>
    public string Key { get; }

    /// <summary>Gets the problem without the location.</summary>
    public string Problem { get; }
}
