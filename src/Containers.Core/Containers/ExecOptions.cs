namespace Containers.Containers;

/// <summary>Configures a process run inside a running container, as the flags of <c>docker exec</c> do.</summary>
public sealed record ExecOptions
{
    /// <summary>Gets the command and its arguments; the program is looked up in the container's <c>PATH</c>.</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>Gets environment variables as <c>NAME=value</c>, added to (and overriding) the container's.</summary>
    public IReadOnlyList<string> Environment { get; init; } = [];

    /// <summary>Gets the user (<c>name</c>, <c>uid</c>, <c>uid:gid</c>); the default is the container's.</summary>
    public string? User { get; init; }

    /// <summary>Gets the working directory; the default is the container's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Gets a value indicating whether the caller writes the process's standard input (<c>-i</c>).</summary>
    public bool OpenStdin { get; init; }

    /// <summary>Gets a value indicating whether the process runs on its own with its output discarded (<c>-d</c>); it outlives the caller.</summary>
    public bool Detached { get; init; }
}
