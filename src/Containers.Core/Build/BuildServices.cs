using Containers.Containers;
using Containers.Content;
using Containers.Images;

namespace Containers.Build;

/// <summary>What a build uses from the engine: the content store, the image and container services, the root's directories.</summary>
internal sealed record BuildServices(
    IContentStore Content,
    IImageService Images,
    Func<IContainerService> Containers,
    Func<IContainerRootfs> Rootfs,
    Func<IImageSource?> Puller,
    string CacheDirectory,
    string TempDirectory,
    Platform Platform,
    RootfsIndexCache Indexes);
