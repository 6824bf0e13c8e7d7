namespace Containers.Containers;

/// <summary>One line a container wrote, with the stream it came from and when.</summary>
/// <param name="Stream">Standard output or standard error.</param>
/// <param name="Time">When the engine read it.</param>
/// <param name="Text">The text, with its line ending when it had one.</param>
public sealed record LogEntry(LogStream Stream, DateTimeOffset Time, string Text);

/// <summary>Names a container's output streams.</summary>
public enum LogStream
{
    /// <summary>Standard output.</summary>
    Stdout,

    /// <summary>Standard error.</summary>
    Stderr,
}
