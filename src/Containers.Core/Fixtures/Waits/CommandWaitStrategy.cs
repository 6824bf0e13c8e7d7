using Containers.Containers;

namespace Containers.Fixtures;

/// <summary>Waits until a command run inside the container (as <c>exec</c>) exits with code 0.</summary>
/// <param name="Command">The program and its arguments, looked up in the container's <c>PATH</c>.</param>
public sealed record CommandWaitStrategy(IReadOnlyList<string> Command) : IWaitStrategy
{
    /// <inheritdoc/>
    public TimeSpan Timeout { get; init; } = Wait.DefaultTimeout;

    /// <inheritdoc/>
    public string Description => $"command '{string.Join(' ', Command)}' exiting 0";

    /// <summary>Returns a copy that waits at most <paramref name="timeout"/>.</summary>
    public CommandWaitStrategy WithTimeout(TimeSpan timeout) => this with { Timeout = timeout };

    /// <inheritdoc/>
    public async Task<bool> IsReadyAsync(WaitContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await context.Engine.Containers.ExecAsync(context.Container.Id, Command, cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0;
    }
}
