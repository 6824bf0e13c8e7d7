using Containers.Archives;
using Containers.Oci;

namespace Containers.Images;

/// <summary>Manages the images in a store: listing, inspecting, naming, removing, collecting garbage, importing and exporting.</summary>
/// <remarks>
/// Images are found by name (<c>busybox</c>, <c>localhost:5000/app:1</c>, <c>repo@sha256:...</c>) or by ID
/// (the configuration digest, full or as a unique prefix of at least 4 hexadecimal characters).
/// </remarks>
public interface IImageService
{
    /// <summary>Lists the images, one entry per image ID, named images and dangling ones alike.</summary>
    Task<IReadOnlyList<ImageSummary>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Describes one image.</summary>
    /// <exception cref="ImageNotFoundException">No image has that name or ID.</exception>
    Task<ImageDetails> InspectAsync(string nameOrId, CancellationToken cancellationToken = default);

    /// <summary>Gives the image <paramref name="source"/> names also the name <paramref name="target"/>; the name moves if another image had it.</summary>
    /// <exception cref="ImageNotFoundException">The source does not exist.</exception>
    /// <exception cref="InvalidReferenceException">The target is not a valid name.</exception>
    Task TagAsync(string source, string target, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes a name, or an image by ID. An image whose last name goes is deleted, unless a container uses it,
    /// in which case the removal needs <paramref name="force"/> and the image stays, unnamed, for the container.
    /// </summary>
    /// <exception cref="ImageNotFoundException">No image has that name or ID.</exception>
    /// <exception cref="ImageInUseException">A container uses the image and <paramref name="force"/> is off.</exception>
    /// <exception cref="ImageConflictException">The ID names an image with several names and <paramref name="force"/> is off.</exception>
    Task<IReadOnlyList<ImageRemoval>> RemoveAsync(string nameOrId, bool force = false, CancellationToken cancellationToken = default);

    /// <summary>Deletes dangling images (or, with <paramref name="all"/>, every image no container uses) and the blobs only they used.</summary>
    Task<ImagePruneResult> PruneAsync(bool all = false, CancellationToken cancellationToken = default);

    /// <summary>Deletes blobs that no image, container or write in progress references.</summary>
    Task<GarbageCollectionResult> CollectGarbageAsync(CancellationToken cancellationToken = default);

    /// <summary>Summarises the space images take.</summary>
    Task<ImageDiskUsage> GetDiskUsageAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Records an image whose blobs are already in the content store under the given names (none makes it dangling),
    /// after checking that the manifest and every blob it references are present.
    /// </summary>
    /// <exception cref="Content.BlobNotFoundException">The manifest references a blob the store does not hold.</exception>
    Task<ImageDetails> AddAsync(Descriptor manifest, IReadOnlyList<ImageReference> names, CancellationToken cancellationToken = default);

    /// <summary>Makes a single-layer image from a root filesystem tarball (plain, gzip or zstd), as <c>docker import</c> does.</summary>
    /// <exception cref="InvalidArchiveException">The input is not a tar archive or is truncated; nothing is stored.</exception>
    Task<ImageDetails> ImportAsync(Stream rootfs, ImportOptions options, CancellationToken cancellationToken = default);

    /// <summary>Loads every image of a <c>docker save</c> archive or an OCI archive, detected from its content.</summary>
    /// <exception cref="InvalidArchiveException">The archive is malformed, truncated or inconsistent; the store is left as it was.</exception>
    Task<IReadOnlyList<ImageDetails>> LoadAsync(Stream archive, CancellationToken cancellationToken = default);

    /// <summary>Loads every image of an OCI image layout directory.</summary>
    /// <exception cref="InvalidArchiveException">The layout is malformed or inconsistent; the store is left as it was.</exception>
    Task<IReadOnlyList<ImageDetails>> LoadLayoutAsync(string directory, CancellationToken cancellationToken = default);

    /// <summary>Writes images, with their names, to an archive in the given format.</summary>
    /// <exception cref="ImageNotFoundException">An image does not exist.</exception>
    Task SaveAsync(IReadOnlyList<string> images, Stream destination, ArchiveFormat format, CancellationToken cancellationToken = default);

    /// <summary>Writes images, with their names, to an OCI image layout directory, adding to what it holds.</summary>
    /// <exception cref="ImageNotFoundException">An image does not exist.</exception>
    Task SaveLayoutAsync(IReadOnlyList<string> images, string directory, CancellationToken cancellationToken = default);

    /// <summary>
    /// Builds an image from a Dockerfile and a context directory, as <c>docker build</c> does: <c>RUN</c> steps run in
    /// containers of this engine, unchanged steps reuse their cached layers, and only the stages the target needs are built.
    /// </summary>
    /// <param name="contextDirectory">The directory whose files <c>COPY</c> and <c>ADD</c> take, less what its <c>.dockerignore</c> excludes.</param>
    /// <param name="options">The tags, Dockerfile path, build arguments, target and cache settings.</param>
    /// <param name="progress">Receives a report per step (and the output of <c>RUN</c> steps); may be null.</param>
    /// <param name="cancellationToken">Cancels the build; a running step's container is removed.</param>
    /// <returns>The built image, with the names from <see cref="Build.BuildOptions.Tags"/>.</returns>
    /// <exception cref="Build.DockerfileSyntaxException">The Dockerfile is malformed; the message names the file, line and instruction.</exception>
    /// <exception cref="Build.BuildStepFailedException">A <c>RUN</c> command exited with a non-zero status.</exception>
    /// <exception cref="Build.BuildException">A source file, stage or base image is missing.</exception>
    Task<ImageDetails> BuildAsync(string contextDirectory, Build.BuildOptions options, IProgress<Build.BuildProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Builds an image as <see cref="BuildAsync(string, Build.BuildOptions, IProgress{Build.BuildProgress}?, CancellationToken)"/> does, from a context sent as a tar stream.</summary>
    /// <exception cref="Build.BuildException">The stream is not a tar archive, or the build cannot go on.</exception>
    Task<ImageDetails> BuildAsync(Stream contextTar, Build.BuildOptions options, IProgress<Build.BuildProgress>? progress = null, CancellationToken cancellationToken = default);
}
