using System.Net;

namespace Containers.Registry;

/// <summary>Reports credentials the registry refused, or none where it needs some; log in (<c>containers login</c>) and try again.</summary>
public sealed class RegistryAuthenticationException(string message, HttpStatusCode? statusCode = null, IReadOnlyList<string>? errorCodes = null)
    : RegistryException(message, statusCode, errorCodes);
