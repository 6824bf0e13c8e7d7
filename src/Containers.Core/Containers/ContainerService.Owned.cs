namespace Containers.Containers;

/// <summary>Containers that live only while this process uses them, as a build step's: no kill may leave one behind.</summary>
internal sealed partial class ContainerService
{
    /// <summary>
    /// Creates a container that stays marked as being created (by this process) until it is removed: if this process
    /// dies at any moment of its life, created, running, exited or half-removed, the next engine start removes it with
    /// everything it holds, as it removes a <c>run</c> killed before its container started.
    /// </summary>
    internal Task<ContainerDetails> CreateOwnedAsync(ContainerCreateOptions options, CancellationToken cancellationToken) =>
        CreateAsync(options, endIntent: false, cancellationToken);
}
