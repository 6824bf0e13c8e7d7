using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Containers.Images;

namespace Containers.Oci;

/// <summary>
/// Reads and writes OCI documents, enforcing size limits and checking the fields the engine relies on.
/// </summary>
public static class OciSerializer
{
    /// <summary>Parses and checks an image manifest (OCI or Docker schema 2).</summary>
    /// <exception cref="ContentTooLargeException">The manifest exceeds <see cref="ContentLimits.MaxManifestSize"/>.</exception>
    /// <exception cref="InvalidManifestException">The manifest is malformed or not schema 2.</exception>
    /// <exception cref="UnsupportedMediaTypeException">The manifest is a schema 1 manifest or an index.</exception>
    public static ImageManifest ReadManifest(ReadOnlySpan<byte> json, Digest? digest = null)
    {
        const string Document = "image manifest";

        // Schema 1 lacks the fields a manifest needs; recognise it first so the error says what it is.
        var probe = Read(json, OciJsonContext.Default.MediaTypeProbe, Document, digest, ContentLimits.MaxManifestSize);
        if (probe.SchemaVersion == 1 || probe.MediaType is MediaTypes.DockerSchema1 or MediaTypes.DockerSchema1Signed)
        {
            throw new UnsupportedMediaTypeException(MediaTypes.DockerSchema1, "an image manifest (schema 1 is obsolete; push the image again with a current client)");
        }

        var manifest = Read(json, OciJsonContext.Default.ImageManifest, Document, digest, ContentLimits.MaxManifestSize);
        if (manifest.SchemaVersion != 2)
        {
            throw new InvalidManifestException(Document, digest, $"schemaVersion is {manifest.SchemaVersion}, expected 2");
        }

        if (manifest.MediaType is not null && !MediaTypes.IsManifest(manifest.MediaType))
        {
            throw new UnsupportedMediaTypeException(manifest.MediaType, "an image manifest");
        }

        if (manifest.Config is null || manifest.Layers is null)
        {
            throw new InvalidManifestException(Document, digest, "config and layers are required");
        }

        foreach (var descriptor in manifest.Layers.Append(manifest.Config))
        {
            CheckDescriptor(descriptor, Document, digest);
        }

        return manifest;
    }

    /// <summary>Parses and checks an image index or Docker manifest list.</summary>
    /// <exception cref="ContentTooLargeException">The index exceeds <see cref="ContentLimits.MaxManifestSize"/>.</exception>
    /// <exception cref="InvalidManifestException">The index is malformed.</exception>
    public static ImageIndex ReadIndex(ReadOnlySpan<byte> json, Digest? digest = null, int maxSize = ContentLimits.MaxManifestSize)
    {
        const string Document = "image index";
        var index = Read(json, OciJsonContext.Default.ImageIndex, Document, digest, maxSize);
        if (index.SchemaVersion != 2)
        {
            throw new InvalidManifestException(Document, digest, $"schemaVersion is {index.SchemaVersion}, expected 2");
        }

        if (index.MediaType is not null && !MediaTypes.IsIndex(index.MediaType))
        {
            throw new UnsupportedMediaTypeException(index.MediaType, "an image index");
        }

        if (index.Manifests is null)
        {
            throw new InvalidManifestException(Document, digest, "manifests is required");
        }

        foreach (var descriptor in index.Manifests)
        {
            CheckDescriptor(descriptor, Document, digest);
        }

        return index;
    }

    /// <summary>Parses and checks an image configuration.</summary>
    /// <exception cref="ContentTooLargeException">The configuration exceeds <see cref="ContentLimits.MaxConfigSize"/>.</exception>
    /// <exception cref="InvalidManifestException">The configuration is malformed.</exception>
    public static ImageConfiguration ReadConfiguration(ReadOnlySpan<byte> json, Digest? digest = null)
    {
        const string Document = "image configuration";
        var config = Read(json, OciJsonContext.Default.ImageConfiguration, Document, digest, ContentLimits.MaxConfigSize);
        if (config.RootFs?.DiffIds is null || string.IsNullOrEmpty(config.OS) || string.IsNullOrEmpty(config.Architecture))
        {
            throw new InvalidManifestException(Document, digest, "os, architecture and rootfs.diff_ids are required");
        }

        return config;
    }

    /// <summary>
    /// Tells whether a document is a manifest or an index from its <c>mediaType</c> field,
    /// or from its shape when the field is absent (as in some older OCI layouts).
    /// </summary>
    /// <exception cref="InvalidManifestException">The document is neither.</exception>
    public static string DetectMediaType(ReadOnlySpan<byte> json, Digest? digest = null)
    {
        var probe = Read(json, OciJsonContext.Default.MediaTypeProbe, "manifest", digest, ContentLimits.MaxManifestSize);
        if (probe.MediaType is { Length: > 0 } declared)
        {
            return declared;
        }

        return probe.SchemaVersion == 1 ? MediaTypes.DockerSchema1
            : probe.Manifests is not null ? MediaTypes.OciIndex
            : probe.Config is not null ? MediaTypes.OciManifest
            : throw new InvalidManifestException("manifest", digest, "it is neither an image manifest nor an index");
    }

    /// <summary>Serializes a manifest as compact UTF-8 JSON.</summary>
    public static byte[] Serialize(ImageManifest manifest) => JsonSerializer.SerializeToUtf8Bytes(manifest, OciJsonContext.Writer.ImageManifest);

    /// <summary>Serializes an index as compact UTF-8 JSON.</summary>
    public static byte[] Serialize(ImageIndex index) => JsonSerializer.SerializeToUtf8Bytes(index, OciJsonContext.Writer.ImageIndex);

    /// <summary>Serializes an image configuration as compact UTF-8 JSON.</summary>
    public static byte[] Serialize(ImageConfiguration configuration) => JsonSerializer.SerializeToUtf8Bytes(configuration, OciJsonContext.Writer.ImageConfiguration);

    /// <summary>Parses an OCI runtime specification (<c>config.json</c>).</summary>
    /// <exception cref="InvalidManifestException">The document is malformed.</exception>
    public static Runtime.RuntimeSpec ReadRuntimeSpec(ReadOnlySpan<byte> json) =>
        Read(json, OciJsonContext.Writer.RuntimeSpec, "runtime specification", null, ContentLimits.MaxMetadataSize); // the context it was written with

    /// <summary>Serializes a runtime specification as indented UTF-8 JSON, as runtimes expect <c>config.json</c>.</summary>
    public static byte[] Serialize(Runtime.RuntimeSpec spec) => JsonSerializer.SerializeToUtf8Bytes(spec, OciJsonContext.Writer.RuntimeSpec);

    internal static T Read<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> typeInfo, string document, Digest? digest, int maxSize)
    {
        if (json.Length > maxSize)
        {
            throw new ContentTooLargeException(document, json.Length, maxSize);
        }

        try
        {
            return JsonSerializer.Deserialize(json, typeInfo) ?? throw new InvalidManifestException(document, digest, "the document is null");
        }
        catch (JsonException e)
        {
            throw new InvalidManifestException(document, digest, e.Message, e);
        }
    }

    private static void CheckDescriptor(Descriptor descriptor, string document, Digest? digest)
    {
        if (descriptor is null || descriptor.Digest is null || string.IsNullOrEmpty(descriptor.MediaType) || descriptor.Size < 0)
        {
            throw new InvalidManifestException(document, digest, "every descriptor needs a mediaType, a digest and a non-negative size");
        }
    }
}
