using Containers.Images;

namespace Containers.Registry.Pull;

/// <summary>Configures one pull.</summary>
public sealed record PullOptions
{
    /// <summary>Gets the platform chosen from a multi-platform image; the default is the engine's.</summary>
    public Platform? Platform { get; init; }

    /// <summary>Gets where per-blob progress is reported; none by default.</summary>
    public IProgress<PullProgress>? Progress { get; init; }
}
