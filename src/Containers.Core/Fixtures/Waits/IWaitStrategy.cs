namespace Containers.Fixtures;

/// <summary>
/// Decides when a started fixture container is ready for a test. <see cref="ContainerBuilder.StartAsync"/> polls it until
/// it reports ready, the container exits, or <see cref="Timeout"/> passes; make one with <see cref="Wait"/>.
/// </summary>
/// <remarks>Implementations are immutable and may be shared by many fixtures starting at once.</remarks>
public interface IWaitStrategy
{
    /// <summary>Gets how long the container may take to become ready, counted from its start.</summary>
    TimeSpan Timeout { get; }

    /// <summary>Gets what is awaited, for error messages (<c>port 5432/tcp listening</c>).</summary>
    string Description { get; }

    /// <summary>Checks once whether the container is ready.</summary>
    /// <param name="context">The container being waited for, and state kept for the length of this wait.</param>
    /// <param name="cancellationToken">Cancelled when the container exits or the caller gives up.</param>
    Task<bool> IsReadyAsync(WaitContext context, CancellationToken cancellationToken);
}
