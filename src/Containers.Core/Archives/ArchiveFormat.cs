namespace Containers.Archives;

/// <summary>Names the archive formats images are saved in.</summary>
public enum ArchiveFormat
{
    /// <summary><c>docker save</c>'s format: <c>manifest.json</c> and <c>repositories</c>, configurations and uncompressed layer tars.</summary>
    DockerArchive,

    /// <summary>A tar of an OCI image layout: <c>oci-layout</c>, <c>index.json</c> and <c>blobs/</c>.</summary>
    OciArchive,
}
