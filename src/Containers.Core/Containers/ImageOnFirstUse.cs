using Containers.Images;
using Microsoft.Extensions.Logging;

namespace Containers.Containers;

/// <summary>Finds a container's image in the store, pulling it first as the create options' <see cref="PullPolicy"/> says.</summary>
internal static partial class ImageOnFirstUse
{
    /// <exception cref="ImageNotFoundException">The store lacks the image and the policy or the missing registry client forbids pulling it.</exception>
    public static async Task<ImageDetails> ResolveAsync(IImageService images, IImageSource? source, string image, PullPolicy policy, ILogger logger, CancellationToken cancellationToken)
    {
        Validate(source, policy, image);
        if (policy == PullPolicy.Always && source is not null)
        {
            LogPulling(logger, image, policy);
            return await source.PullAsync(image, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await images.InspectAsync(image, cancellationToken).ConfigureAwait(false);
        }
        catch (ImageNotFoundException) when (policy != PullPolicy.Never && source is not null)
        {
            LogPulling(logger, image, policy);
            try
            {
                return await source.PullAsync(image, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (ContainersException e)
            {
                // Still a missing image to the caller (as Docker's "Unable to find image locally"), with the registry's reason.
                throw new ImageNotFoundException(image, $"the store does not hold it and pulling it failed: {e.Message}", e);
            }
        }
        catch (ImageNotFoundException) when (policy == PullPolicy.Never)
        {
            throw new ImageNotFoundException(image, "the store does not hold it and the pull policy is Never: pull or import it first, or create with PullPolicy.Missing (--pull missing)");
        }
        catch (ImageNotFoundException)
        {
            throw new ImageNotFoundException(image, "the store does not hold it and the engine has no registry client to pull it with: add one with builder.AddRegistryClient(), or pull or import the image first");
        }
    }

    /// <summary>Refuses a policy that cannot be honoured, before anything is created.</summary>
    private static void Validate(IImageSource? source, PullPolicy policy, string image)
    {
        if (policy == PullPolicy.Always && source is null)
        {
            throw new InvalidContainerConfigurationException("pull", $"the pull policy Always needs a registry client to pull {image} with: add one with builder.AddRegistryClient()");
        }
    }

    [LoggerMessage(EventId = 16, Level = LogLevel.Information, Message = "Pulling image {Image} for a new container (pull policy {Policy})")]
    private static partial void LogPulling(ILogger logger, string image, PullPolicy policy);
}
