using Containers.Hosting;

namespace Containers.Cli.Cli;

/// <summary>Holds the options that come before the command: <c>--root</c> and <c>--debug</c>.</summary>
internal sealed record GlobalOptions
{
    /// <summary>Gets the store root: <c>--root</c>, else <c>$CONTAINERS_ROOT</c>, else the default.</summary>
    public string Root { get; init; } = new ContainersOptions().Root;

    public bool Debug { get; init; }

    /// <summary>Gets a value indicating whether <c>--scratch</c> asked for a throwaway root, reset and deleted when the command ends.</summary>
    public bool Scratch { get; init; }

    /// <summary>Gets a value indicating whether <c>--root</c> was given (a scratch root then uses that directory).</summary>
    public bool RootGiven { get; init; }
}
