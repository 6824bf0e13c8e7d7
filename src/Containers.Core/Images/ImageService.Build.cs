using Containers.Build;
using Containers.Containers;
using Microsoft.Extensions.DependencyInjection;

namespace Containers.Images;

/// <summary>Building images from Dockerfiles; the work is in <see cref="BuildSession"/>.</summary>
internal sealed partial class ImageService
{
    private readonly RootfsIndexCache _rootfsIndexes = new();

    public async Task<ImageDetails> BuildAsync(string contextDirectory, BuildOptions options, IProgress<BuildProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(contextDirectory);
        ArgumentNullException.ThrowIfNull(options);
        using var context = BuildContext.FromDirectory(contextDirectory);
        using var scratch = BuildScratch.Create(_tempDirectory);
        return await new BuildSession(BuildServices(scratch), options, context, progress).RunAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<ImageDetails> BuildAsync(Stream contextTar, BuildOptions options, IProgress<BuildProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contextTar);
        ArgumentNullException.ThrowIfNull(options);
        using var scratch = BuildScratch.Create(_tempDirectory);
        using var context = await BuildContext.FromTarAsync(contextTar, scratch.Path, cancellationToken).ConfigureAwait(false);
        return await new BuildSession(BuildServices(scratch), options, context, progress).RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What a build uses; its temporary files go to its own <paramref name="scratch"/>, which recovery reclaims if it is killed.</summary>
    private BuildServices BuildServices(BuildScratch scratch) => new(
        _content,
        this,
        () => _services.GetService<IContainerRuntime>() is null
            ? throw new BuildException("RUN needs a container runtime: add one to the engine, for example with builder.AddLinuxRuntime()")
            : _services.GetRequiredService<IContainerService>(),
        () => _services.GetService<IContainerRootfs>() ?? throw new BuildException("RUN needs a storage driver that can produce a diff: add the Linux runtime to the engine"),
        () => _services.GetService<IImageSource>(),
        _buildCacheDirectory,
        scratch.Path,
        _platform,
        _rootfsIndexes);
}
