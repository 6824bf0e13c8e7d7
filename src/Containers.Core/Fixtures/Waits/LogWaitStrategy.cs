using System.Globalization;
using System.Text.RegularExpressions;
using Containers.Containers;

namespace Containers.Fixtures;

/// <summary>Waits until the container's output (standard output and error) has <see cref="Times"/> lines matching <see cref="Pattern"/>.</summary>
/// <param name="Pattern">The pattern a line must match.</param>
/// <param name="Times">How many matching lines are needed.</param>
public sealed record LogWaitStrategy(Regex Pattern, int Times = 1) : IWaitStrategy
{
    /// <inheritdoc/>
    public TimeSpan Timeout { get; init; } = Wait.DefaultTimeout;

    /// <inheritdoc/>
    public string Description => string.Create(CultureInfo.InvariantCulture, $"a log line matching /{Pattern}/ {Times} time(s)");

    /// <summary>Returns a copy that waits at most <paramref name="timeout"/>.</summary>
    public LogWaitStrategy WithTimeout(TimeSpan timeout) => this with { Timeout = timeout };

    /// <inheritdoc/>
    public async Task<bool> IsReadyAsync(WaitContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var count = 0;
        await foreach (var entry in context.Engine.Containers.LogsAsync(context.Container.Id, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (Pattern.IsMatch(entry.Text.TrimEnd('\n', '\r')) && ++count >= Times)
            {
                return true;
            }
        }

        return false;
    }
}
