using Containers.Images;

namespace Containers.Registry.Pull;

/// <summary>Lets the engine pull an image the store lacks when a container is created from it (pull on first use).</summary>
internal sealed class RegistryImageSource(IRegistryClient registry) : IImageSource
{
    public Task<ImageDetails> PullAsync(string reference, CancellationToken cancellationToken = default) =>
        registry.PullAsync(reference, null, cancellationToken);
}
