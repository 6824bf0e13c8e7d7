namespace Containers.Oci;

/// <summary>Lists the annotation keys the engine reads and writes.</summary>
public static class Annotations
{
    /// <summary>The reference name of a manifest in an OCI layout's <c>index.json</c>.</summary>
    public const string RefName = "org.opencontainers.image.ref.name";

    /// <summary>The creation time of an image.</summary>
    public const string Created = "org.opencontainers.image.created";

    /// <summary>The full image name, as containerd records it next to <see cref="RefName"/>.</summary>
    public const string ContainerdImageName = "io.containerd.image.name";
}
