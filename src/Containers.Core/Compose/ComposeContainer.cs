using Containers.Containers;

namespace Containers.Compose;

/// <summary>A container of a Compose project, found by its labels.</summary>
/// <param name="Service">The service it runs.</param>
/// <param name="Number">Its replica number (1-based).</param>
/// <param name="OneOff">Whether <c>run</c> made it.</param>
/// <param name="Summary">The container as <c>ps</c> lists it.</param>
public sealed record ComposeContainer(string Service, int Number, bool OneOff, ContainerSummary Summary)
{
    /// <summary>Gets the container's name.</summary>
    public string Name => Summary.Name;
}
