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
        return await new BuildSession(BuildServices(), options, context, progress).RunAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<ImageDetails> BuildAsync(Stream contextTar, BuildOptions options, IProgress<BuildProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contextTar);
        ArgumentNullException.ThrowIfNull(options);
        using var context = await BuildContext.FromTarAsync(contextTar, _tempDirectory, cancellationToken).ConfigureAwait(false);
        return await new BuildSession(BuildServices(), options, context, progress).RunAsync(cancellationToken).ConfigureAwait(false);
    }

    private BuildServices BuildServices() => new(
        _content,
        this,
        () => _services.GetService<IContainerRuntime>() is null
            ? throw new BuildException("RUN needs a container runtime: add one to the engine, for example with builder.AddLinuxRuntime()")
            : _services.GetRequiredService<IContainerService>(),
        () => _services.GetService<IContainerRootfs>() ?? throw new BuildException("RUN needs a storage driver that can produce a diff: add the Linux runtime to the engine"),
        () => _services.GetService<IImageSource>(),
        _buildCacheDirectory,
        _tempDirectory,
        _platform,
        _rootfsIndexes);
}
