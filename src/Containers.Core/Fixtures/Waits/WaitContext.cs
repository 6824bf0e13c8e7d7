using Containers.Containers;
using Containers.Hosting;

namespace Containers.Fixtures;

/// <summary>What a wait strategy sees while one container is being waited for: the container, the engine, and how long the wait has run.</summary>
public sealed class WaitContext
{
    private readonly HashSet<IWaitStrategy> _satisfied = new(ReferenceEqualityComparer.Instance);
    private readonly System.Diagnostics.Stopwatch _elapsed = System.Diagnostics.Stopwatch.StartNew();

    internal WaitContext(ContainerEngine engine, FixtureContainer container)
    {
        Engine = engine;
        Container = container;
    }

    /// <summary>Gets the engine that runs the container.</summary>
    public ContainerEngine Engine { get; }

    /// <summary>Gets the container being waited for.</summary>
    public FixtureContainer Container { get; }

    /// <summary>Gets the container as inspected just before this check.</summary>
    public ContainerDetails Details { get; internal set; } = null!;

    /// <summary>Gets how long the wait has run.</summary>
    public TimeSpan Elapsed => _elapsed.Elapsed;

    /// <summary>Gets a value indicating whether <paramref name="strategy"/> was already satisfied during this wait (combinations check each part once).</summary>
    public bool HasSucceeded(IWaitStrategy strategy) => _satisfied.Contains(strategy);

    /// <summary>Records that <paramref name="strategy"/> was satisfied during this wait.</summary>
    public void MarkSucceeded(IWaitStrategy strategy) => _satisfied.Add(strategy);

    /// <summary>Gets the first strategy of a combination not satisfied yet, for error messages.</summary>
    internal IWaitStrategy? Pending { get; set; }
}
