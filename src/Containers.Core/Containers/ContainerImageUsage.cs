using System.Runtime.CompilerServices;
using Containers.Images;

namespace Containers.Containers;

/// <summary>Tells the image service which images the containers on disk use, whether or not a runtime is configured.</summary>
internal sealed class ContainerImageUsage(ContainerStore store) : IImageUsageSource
{
    public async IAsyncEnumerable<ImageUse> GetImageUsesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var record in await store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new ImageUse(record.Id, record.ImageId, record.ManifestDigest);
        }
    }
}
