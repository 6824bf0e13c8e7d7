using System.Net;
using System.Text.Json.Nodes;

namespace Containers.Registry.Transport;

/// <summary>Turns a registry's failed response into a typed exception, reading at most 64 KiB of its error body.</summary>
internal static class RegistryErrors
{
    private const int MaxErrorBody = 64 * 1024;

    public static async Task<RegistryException> ReadAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var codes = new List<string>();
        var messages = new List<string>();
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[MaxErrorBody];
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (JsonNode.Parse(buffer.AsSpan(0, read)) is JsonObject body && body["errors"] is JsonArray errors)
            {
                foreach (var error in errors)
                {
                    if (error?["code"]?.GetValue<string>() is { } code)
                    {
                        codes.Add(code);
                    }

                    if (error?["message"]?.GetValue<string>() is { } message)
                    {
                        messages.Add(message);
                    }
                }
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException or HttpRequestException)
        {
            // An error body that is not the spec's JSON still leaves the status to go by.
        }

        var detail = messages.Count > 0 ? ": " + string.Join("; ", messages) : string.Empty;
        return response.StatusCode switch
        {
            HttpStatusCode.NotFound when what.Contains("manifest", StringComparison.Ordinal) => new ManifestUnknownException(what.Replace("manifest ", string.Empty, StringComparison.Ordinal), codes),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new RegistryAuthenticationException($"access to {what} denied ({(int)response.StatusCode}){detail}: log in with an account that may access it", response.StatusCode, codes),
            _ => new RegistryException($"{what} failed: {(int)response.StatusCode} {response.StatusCode}{detail}", response.StatusCode, codes),
        };
    }
}
