using Containers.Images;

namespace Containers.Build;

/// <summary>Pulls a base image a build needs when the store lacks it (or when <see cref="BuildOptions.Pull"/> asks); a registry package provides it.</summary>
public interface IBaseImagePuller
{
    /// <summary>Pulls the image for the platform into the store and returns it.</summary>
    Task<ImageDetails> PullAsync(string reference, Platform platform, CancellationToken cancellationToken = default);
}
