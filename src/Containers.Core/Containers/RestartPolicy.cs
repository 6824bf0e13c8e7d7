namespace Containers.Containers;

/// <summary>Says when a container is restarted after its process exits, while the engine that started it lives.</summary>
/// <param name="Name">The policy: <c>no</c>, <c>on-failure</c>, <c>always</c> or <c>unless-stopped</c>.</param>
/// <param name="MaximumRetryCount">For <c>on-failure</c>, how many restarts at most; 0 is unlimited.</param>
public sealed record RestartPolicy(string Name, int MaximumRetryCount = 0)
{
    /// <summary>Gets the policy that never restarts.</summary>
    public static RestartPolicy No { get; } = new("no");

    /// <summary>Parses <c>no</c>, <c>always</c>, <c>unless-stopped</c>, <c>on-failure[:N]</c>.</summary>
    /// <exception cref="InvalidContainerConfigurationException">The text is none of those.</exception>
    public static RestartPolicy Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':', 2);
        return parts[0] switch
        {
            "no" or "always" or "unless-stopped" when parts.Length == 1 => new RestartPolicy(parts[0]),
            "on-failure" when parts.Length == 1 => new RestartPolicy("on-failure"),
            "on-failure" when int.TryParse(parts[1], out var count) && count >= 0 => new RestartPolicy("on-failure", count),
            _ => throw new InvalidContainerConfigurationException("restart", $"invalid restart policy '{text}': use no, always, unless-stopped or on-failure[:max-retries]"),
        };
    }

    /// <summary>Decides whether an exit with <paramref name="exitCode"/> after <paramref name="restarts"/> restarts leads to another start.</summary>
    public bool ShouldRestart(int exitCode, int restarts, bool stoppedByUser) =>
        !stoppedByUser && Name switch
        {
            "always" or "unless-stopped" => true,
            "on-failure" => exitCode != 0 && (MaximumRetryCount == 0 || restarts < MaximumRetryCount),
            _ => false,
        };

    /// <summary>Returns the policy as Docker writes it.</summary>
    public override string ToString() => MaximumRetryCount > 0 ? $"{Name}:{MaximumRetryCount}" : Name;
}
