using Containers.Containers;
using Containers.Hosting;

namespace Containers.Fixtures;

/// <summary>Removes a fixture's container with everything it holds, whatever state it is in.</summary>
internal static class FixtureCleanup
{
    public static async Task RemoveAsync(ContainerEngine engine, string id)
    {
        try
        {
            // Never cancelled: a test that gives up must still not leave the container behind.
            await engine.Containers.RemoveAsync(id, force: true, removeVolumes: true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ContainerNotFoundException)
        {
            // Removed already (by the test, or by another process sharing the root).
        }
    }
}
