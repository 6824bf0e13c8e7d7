using Containers.Images;
using Containers.Oci;

namespace Containers.Build;

/// <summary>
/// What one instruction does, worked out before it runs: its cache key text, its history text, its change to the image
/// configuration, and (for RUN, COPY, ADD) the work that makes its layer.
/// </summary>
internal sealed record StepPlan(string Key, string CreatedBy, Func<ContainerConfiguration, ContainerConfiguration> Configure)
{
    public Func<StageState, Action<string>, CancellationToken, Task<(Descriptor Layer, Digest DiffId)>>? Execute { get; init; }

    /// <summary>Gets the ARGs in scope after the step, when it changes them.</summary>
    public IReadOnlyDictionary<string, string?>? Args { get; init; }

    /// <summary>Gets the image author the step sets (MAINTAINER), or null to keep the one before it.</summary>
    public string? Author { get; init; }

    public static StepPlan Metadata(string key, Func<ContainerConfiguration, ContainerConfiguration> configure) => new(key, key, configure);
}
