using System.Text.Json.Serialization;

namespace Containers.Oci;

/// <summary>Holds the <c>oci-layout</c> file of an OCI image layout.</summary>
public sealed record OciLayoutMarker
{
    /// <summary>The layout version the engine writes.</summary>
    public const string CurrentVersion = "1.0.0";

    /// <summary>Gets the layout version.</summary>
    [JsonPropertyName("imageLayoutVersion")]
    public required string ImageLayoutVersion { get; init; }
}
