using System.Net;

namespace Containers.Registry;

/// <summary>Reports an error a registry answered with, carrying its HTTP status and the distribution spec's error codes.</summary>
public class RegistryException : ContainersException
{
    /// <summary>Initializes a new instance for a registry's answer.</summary>
    public RegistryException(string message, HttpStatusCode? statusCode = null, IReadOnlyList<string>? errorCodes = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        ErrorCodes = errorCodes ?? [];
    }

    /// <summary>Gets the HTTP status, when the registry answered.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Gets the error codes of the registry's error body (<c>MANIFEST_UNKNOWN</c>, <c>DENIED</c>, ...).</summary>
    public IReadOnlyList<string> ErrorCodes { get; }

    /// <inheritdoc/>
    public override bool IsTransient => StatusCode is HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError;
}
