namespace Containers.Oci;

/// <summary>Reports content of a media type the engine cannot use where it was found (a schema 1 manifest, an unknown layer type).</summary>
public sealed class UnsupportedMediaTypeException : ContainersException
{
    /// <summary>Initializes a new instance naming the media type and where it was found.</summary>
    public UnsupportedMediaTypeException(string? mediaType, string context)
        : base($"unsupported media type '{mediaType ?? "(none)"}' for {context}")
    {
        MediaType = mediaType;
    }

    /// <summary>Gets the refused media type.</summary>
    public string? MediaType { get; }
}
