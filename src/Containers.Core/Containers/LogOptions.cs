namespace Containers.Containers;

/// <summary>Chooses which log lines <see cref="IContainerService.LogsAsync(string, LogOptions, CancellationToken)"/> returns, as <c>docker logs</c> flags do.</summary>
public sealed record LogOptions
{
    /// <summary>Gets a value indicating whether to keep returning new lines until the container stops.</summary>
    public bool Follow { get; init; }

    /// <summary>Gets the earliest time of lines to return.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Gets the latest time of lines to return.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Gets how many lines to return from the end; all when <see langword="null"/>.</summary>
    public int? Tail { get; init; }

    /// <summary>Gets a value indicating whether to include standard output. The default is true.</summary>
    public bool Stdout { get; init; } = true;

    /// <summary>Gets a value indicating whether to include standard error. The default is true.</summary>
    public bool Stderr { get; init; } = true;
}
