using Containers.Containers;
using Containers.Hosting;
using Containers.Snapshots;
using Containers.Volumes;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Fixtures;

/// <summary>
/// Starts a fixture from its ready-state snapshot, taking the snapshot first when there is none: the service is started
/// once, waited for, stopped with its stop signal, and only a clean exit (code 0) is committed.
/// </summary>
internal static class ReadySnapshotStart
{
    public static async Task<FixtureContainer> StartAsync(
        ContainerEngine engine, ContainerCreateOptions options, IReadOnlyList<FixtureFile> files, IWaitStrategy? wait, ReadySnapshotOptions settings, CancellationToken cancellationToken)
    {
        CheckMounts(options.Mounts);
        var image = await engine.Images.InspectAsync(options.Image, cancellationToken).ConfigureAwait(false);
        var key = ReadySnapshotKey.Compute(image.Id, options, files, wait?.Description);
        var snapshots = engine.Services.GetRequiredService<ReadySnapshotService>();
        var snapshot = await snapshots.FindAsync(key, cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            // One taker per key, across processes; the others find its snapshot once they hold the lock.
            using (await snapshots.LockAsync(key, cancellationToken).ConfigureAwait(false))
            {
                snapshot = await snapshots.FindAsync(key, cancellationToken).ConfigureAwait(false)
                    ?? await TakeAsync(engine, snapshots, key, options with { Image = image.Id.ToString() }, options.Image, files, wait, settings, cancellationToken).ConfigureAwait(false);
            }
        }

        // The snapshot holds the files and the anonymous volumes' data: the fixture sees them through its own writable layer.
        var fromSnapshot = options with
        {
            Image = snapshot.ImageId.ToString(),
            Mounts = [.. options.Mounts.Where(m => !IsAnonymousVolume(m))],
            Labels = new Dictionary<string, string>(options.Labels) { [ReadySnapshotLabels.Source] = options.Image },
        };
        return await ContainerBuilder.StartContainerAsync(engine, fromSnapshot, [], wait, snapshot, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<ReadySnapshot> TakeAsync(
        ContainerEngine engine, ReadySnapshotService snapshots, string key, ContainerCreateOptions options, string sourceImage, IReadOnlyList<FixtureFile> files, IWaitStrategy? wait, ReadySnapshotOptions settings, CancellationToken cancellationToken)
    {
        var taking = options with { Labels = new Dictionary<string, string>(options.Labels) { [ReadySnapshotLabels.Taking] = key } };
        var container = await ContainerBuilder.StartContainerAsync(engine, taking, files, wait, null, cancellationToken).ConfigureAwait(false);
        await using (container.ConfigureAwait(false))
        {
            await engine.Containers.StopAsync(container.Id, settings.StopTimeout, cancellationToken).ConfigureAwait(false);
            return await snapshots.TakeAsync(container.Id, key, sourceImage, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsAnonymousVolume(ContainerMount mount) => mount.Type == MountType.Volume && mount.Source is null;

    /// <summary>Refuses state a snapshot cannot hold: a bind mount's or a named volume's data live outside the container and change between runs.</summary>
    private static void CheckMounts(IReadOnlyList<ContainerMount> mounts)
    {
        if (mounts.FirstOrDefault(m => m.Type == MountType.Bind || (m.Type == MountType.Volume && m.Source is not null)) is { } outside)
        {
            throw new NotSupportedException(
                $"a ready-state snapshot cannot capture the {(outside.Type == MountType.Bind ? "bind mount" : "named volume")} at {outside.Target}: its data live outside the container. "
                + "Copy files in with WithFile or WithFileFromHost (their content is part of the snapshot's key), use an anonymous volume, or drop WithReadySnapshot()");
        }
    }
}
