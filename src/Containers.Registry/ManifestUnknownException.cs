using System.Net;

namespace Containers.Registry;

/// <summary>Reports a repository, tag or digest the registry does not have.</summary>
public sealed class ManifestUnknownException(string reference, IReadOnlyList<string>? errorCodes = null)
    : RegistryException($"manifest unknown: {reference} is not in the registry", HttpStatusCode.NotFound, errorCodes)
{
    /// <summary>Gets the reference that was looked up.</summary>
    public string Reference { get; } = reference;
}
