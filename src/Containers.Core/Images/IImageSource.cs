namespace Containers.Images;

/// <summary>
/// Fetches images into the store from elsewhere (a registry), so that running an image the store lacks can pull it;
/// the registry package registers one with <c>AddRegistryClient()</c>.
/// </summary>
public interface IImageSource
{
    /// <summary>
    /// Fetches <paramref name="reference"/> (a short name gets Docker's defaults: <c>docker.io/library/</c>, <c>:latest</c>)
    /// into the store and names it; <paramref name="platform"/> picks from a multi-platform index (null: the engine's).
    /// </summary>
    Task<ImageDetails> PullAsync(string reference, Platform? platform = null, CancellationToken cancellationToken = default);
}
