namespace Containers.Networks;

/// <summary>Lists the networks a prune removed.</summary>
/// <param name="Removed">The names of the removed networks.</param>
public sealed record NetworkPruneResult(IReadOnlyList<string> Removed);
