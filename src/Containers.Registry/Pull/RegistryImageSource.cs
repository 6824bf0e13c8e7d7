using Containers.Images;

namespace Containers.Registry.Pull;

/// <summary>Lets the engine pull an image the store lacks: a container created from it (pull on first use) or a build's base image.</summary>
internal sealed class RegistryImageSource(IRegistryClient registry) : IImageSource
{
    public Task<ImageDetails> PullAsync(string reference, Platform? platform = null, CancellationToken cancellationToken = default) =>
        registry.PullAsync(reference, platform is null ? null : new PullOptions { Platform = platform }, cancellationToken);
}
