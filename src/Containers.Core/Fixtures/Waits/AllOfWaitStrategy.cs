namespace Containers.Fixtures;

/// <summary>
/// Waits until every strategy is satisfied, checking them in order: each counts once it has succeeded, and each must
/// succeed within its own timeout.
/// </summary>
public sealed record AllOfWaitStrategy : IWaitStrategy
{
    /// <summary>Initializes a combination of <paramref name="strategies"/>.</summary>
    public AllOfWaitStrategy(IReadOnlyList<IWaitStrategy> strategies)
    {
        ArgumentNullException.ThrowIfNull(strategies);
        Strategies = strategies;
        Timeout = strategies.Count == 0 ? TimeSpan.Zero : strategies.Max(s => s.Timeout);
    }

    /// <summary>Gets the strategies, in the order they are checked.</summary>
    public IReadOnlyList<IWaitStrategy> Strategies { get; }

    /// <inheritdoc/>
    /// <remarks>By default the longest timeout of its parts.</remarks>
    public TimeSpan Timeout { get; init; }

    /// <inheritdoc/>
    public string Description => string.Join(" and ", Strategies.Select(s => s.Description));

    /// <summary>Returns a copy that waits at most <paramref name="timeout"/> in all.</summary>
    public AllOfWaitStrategy WithTimeout(TimeSpan timeout) => this with { Timeout = timeout };

    /// <inheritdoc/>
    public async Task<bool> IsReadyAsync(WaitContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var strategy in Strategies)
        {
            if (context.HasSucceeded(strategy))
            {
                continue;
            }

            if (!await strategy.IsReadyAsync(context, cancellationToken).ConfigureAwait(false))
            {
                context.Pending = strategy;
                if (context.Elapsed > strategy.Timeout)
                {
                    throw new TimeoutException(strategy.Description);
                }

                return false;
            }

            context.MarkSucceeded(strategy);
        }

        return true;
    }
}
