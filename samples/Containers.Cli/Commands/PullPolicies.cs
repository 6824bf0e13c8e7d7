using Containers.Cli.Cli;
using Containers.Containers;

namespace Containers.Cli.Commands;

/// <summary>Reads <c>--pull missing|always|never</c>, as Docker spells it.</summary>
internal static class PullPolicies
{
    public static PullPolicy Parse(string? value) => value?.ToLowerInvariant() switch
    {
        null or "missing" => PullPolicy.Missing,
        "always" => PullPolicy.Always,
        "never" => PullPolicy.Never,
        _ => throw new UsageException($"invalid pull policy \"{value}\": use \"missing\", \"always\" or \"never\""),
    };
}
