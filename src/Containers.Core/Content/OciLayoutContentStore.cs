using System.Runtime.CompilerServices;
using Containers.Hosting;
using Containers.Images;
using Containers.Internal;
using Containers.Oci;

namespace Containers.Content;

/// <summary>
/// Keeps blobs in an OCI image layout directory (<c>oci-layout</c>, <c>index.json</c>, <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c>)
/// that <c>skopeo</c>, <c>umoci</c> and <c>crane</c> can read, and names images in its <c>index.json</c>.
/// </summary>
/// <remarks>
/// Blob writes need no lock: each goes to its own temporary file and is renamed into place after verification,
/// and two writers of the same digest write the same bytes. Changes to <c>index.json</c> take an exclusive
/// file lock, read, modify and replace the file atomically, so concurrent processes never lose an update.
/// Writers that add references hold the collection lock shared; garbage collection holds it exclusively.
/// </remarks>
public sealed class OciLayoutContentStore : IContentStore
{
    private readonly string _tempDirectory;
    private readonly string _indexLockPath;
    private readonly string _collectionLockPath;

    /// <summary>Initializes a store over an OCI layout directory.</summary>
    /// <param name="layoutDirectory">The layout directory; created when missing.</param>
    /// <param name="tempDirectory">Scratch space for writes in progress; must be on the same file system.</param>
    /// <param name="lockDirectory">Where the lock files live.</param>
    public OciLayoutContentStore(string layoutDirectory, string tempDirectory, string lockDirectory)
    {
        LayoutDirectory = Path.GetFullPath(layoutDirectory);
        _tempDirectory = Path.GetFullPath(tempDirectory);
        _indexLockPath = Path.Combine(lockDirectory, "content-index.lock");
        _collectionLockPath = Path.Combine(lockDirectory, "content-gc.lock");
        Directory.CreateDirectory(Path.Combine(LayoutDirectory, "blobs", "sha256"));
        Directory.CreateDirectory(_tempDirectory);
        Directory.CreateDirectory(lockDirectory);
        EnsureLayoutFiles();
    }

    /// <summary>Gets the OCI layout directory.</summary>
    public string LayoutDirectory { get; }

    private string IndexPath => Path.Combine(LayoutDirectory, "index.json");

    /// <summary>Returns the file that holds a blob (whether or not it exists).</summary>
    public string GetBlobPath(Digest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return Path.Combine(LayoutDirectory, "blobs", digest.Algorithm.Name, digest.Encoded);
    }

    /// <inheritdoc/>
    public ValueTask<BlobInfo?> GetInfoAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        var file = new FileInfo(GetBlobPath(digest));
        return ValueTask.FromResult(file.Exists ? new BlobInfo(digest, file.Length, file.LastWriteTimeUtc) : null);
    }

    /// <inheritdoc/>
    public ValueTask<Stream> OpenReadAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        try
        {
            Stream stream = new FileStream(GetBlobPath(digest), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            return ValueTask.FromResult(stream);
        }
        catch (FileNotFoundException)
        {
            throw new BlobNotFoundException(digest);
        }
    }

    /// <inheritdoc/>
    public ValueTask<BlobWriter> BeginWriteAsync(DigestAlgorithm? algorithm = null, CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(_tempDirectory, "ingest-" + Guid.NewGuid().ToString("N"));
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        return ValueTask.FromResult<BlobWriter>(new OciLayoutBlobWriter(this, path, file, algorithm ?? DigestAlgorithm.Sha256));
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<BlobInfo> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        var blobs = new DirectoryInfo(Path.Combine(LayoutDirectory, "blobs"));
        foreach (var algorithmDirectory in blobs.EnumerateDirectories())
        {
            foreach (var file in algorithmDirectory.EnumerateFiles())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Digest.TryParse(algorithmDirectory.Name + ":" + file.Name, out var digest))
                {
                    yield return new BlobInfo(digest, file.Length, file.LastWriteTimeUtc);
                }
            }
        }
    }

    /// <inheritdoc/>
    public Task<bool> DeleteAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        var path = GetBlobPath(digest);
        var existed = File.Exists(path);
        File.Delete(path);
        return Task.FromResult(existed);
    }

    /// <inheritdoc/>
    public Task<ImageIndex> ReadIndexAsync(CancellationToken cancellationToken = default)
    {
        // Read on this thread: a small file, and an asynchronous read is a thread-pool hop on Linux.
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<ImageIndex>(cancellationToken);
        }

        try
        {
            return Task.FromResult(OciSerializer.ReadIndex(File.ReadAllBytes(IndexPath), maxSize: ContentLimits.MaxMetadataSize));
        }
        catch (Exception e)
        {
            return Task.FromException<ImageIndex>(e);
        }
    }

    /// <inheritdoc/>
    /// <remarks>Takes an exclusive file lock, then reads, modifies and replaces <c>index.json</c> atomically.</remarks>
    public async Task<T> UpdateIndexAsync<T>(Func<IReadOnlyList<Descriptor>, (IReadOnlyList<Descriptor>? Entries, T Result)> update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        using var held = await FileLock.AcquireAsync(_indexLockPath, exclusive: true, cancellationToken).ConfigureAwait(false);
        var index = await ReadIndexAsync(cancellationToken).ConfigureAwait(false);
        var (entries, result) = update(index.Manifests);
        if (entries is not null)
        {
            var bytes = OciSerializer.Serialize(index with { MediaType = MediaTypes.OciIndex, Manifests = entries });
            await AtomicFile.WriteAllBytesAsync(IndexPath, bytes, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <inheritdoc/>
    public async Task<IDisposable> AcquireCollectionLockAsync(bool exclusive, CancellationToken cancellationToken = default) =>
        await FileLock.AcquireAsync(_collectionLockPath, exclusive, cancellationToken).ConfigureAwait(false);

    /// <summary>Deletes temporary files of writes whose process died (their lock is free).</summary>
    public int ReclaimAbandonedWrites()
    {
        var reclaimed = 0;
        foreach (var file in Directory.EnumerateFiles(_tempDirectory, "ingest-*"))
        {
            using var abandoned = FileLock.TryAcquire(file, exclusive: true);
            if (abandoned is not null)
            {
                File.Delete(file);
                reclaimed++;
            }
        }

        // A process killed while it replaced index.json or wrote oci-layout left the temporary file beside it; every
        // writer of those holds the index lock, so with the lock free none of them is anyone's write in progress.
        using (var index = FileLock.TryAcquire(_indexLockPath, exclusive: true))
        {
            foreach (var file in index is null ? [] : Directory.EnumerateFiles(LayoutDirectory, ".*.tmp"))
            {
                File.Delete(file);
                reclaimed++;
            }
        }

        return reclaimed;
    }

    internal BlobInfo Publish(string tempPath, Digest digest, long size)
    {
        var target = GetBlobPath(digest);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);

        // Another writer may have published the same digest meanwhile; the bytes are identical, so either copy will do.
        File.Move(tempPath, target, overwrite: true);
        return new BlobInfo(digest, size, DateTimeOffset.UtcNow);
    }

    private void EnsureLayoutFiles()
    {
        var marker = Path.Combine(LayoutDirectory, "oci-layout");
        if (File.Exists(marker) && File.Exists(IndexPath))
        {
            return;
        }

        // Under the index lock, as every other write of these files, so recovery never takes the temporary file for a leftover.
        using var held = FileLock.AcquireAsync(_indexLockPath, exclusive: true).GetAwaiter().GetResult();
        if (!File.Exists(marker))
        {
            AtomicFile.WriteAllBytes(marker, "{\"imageLayoutVersion\":\"1.0.0\"}"u8);
        }

        if (!File.Exists(IndexPath))
        {
            var empty = OciSerializer.Serialize(new ImageIndex { MediaType = MediaTypes.OciIndex, Manifests = [] });
            AtomicFile.WriteAllBytes(IndexPath, empty);
        }
    }
}
