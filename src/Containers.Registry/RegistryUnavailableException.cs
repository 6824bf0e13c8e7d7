using System.Net;

namespace Containers.Registry;

/// <summary>Reports a registry that could not be reached or kept failing after every retry.</summary>
public sealed class RegistryUnavailableException(string message, HttpStatusCode? statusCode = null, Exception? innerException = null)
    : RegistryException(message, statusCode, null, innerException)
{
    /// <inheritdoc/>
    public override bool IsTransient => true;
}
