using Containers.Images;

namespace Containers.Content;

/// <summary>
/// Writes a blob of an <see cref="OciLayoutContentStore"/> to a private temporary file, flushes it to disk and renames
/// it to <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c> on commit.
/// </summary>
/// <remarks>
/// The temporary file stays exclusively locked while the writer lives, so a later engine start can tell
/// an abandoned write (its process died) from one in progress and reclaim only the former.
/// A full disk surfaces as <see cref="StorageFullException"/>; the caller's dispose deletes the partial file.
/// </remarks>
internal sealed class OciLayoutBlobWriter(OciLayoutContentStore store, string tempPath, FileStream file, DigestAlgorithm algorithm) : BlobWriter(algorithm)
{
    protected override async ValueTask WriteCoreAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            await file.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (StorageFullException.IsDiskFull(e))
        {
            throw Full(e);
        }
    }

    protected override void WriteCore(ReadOnlySpan<byte> data)
    {
        try
        {
            file.Write(data);
        }
        catch (IOException e) when (StorageFullException.IsDiskFull(e))
        {
            throw Full(e);
        }
    }

    protected override async Task<BlobInfo> PublishAsync(Digest digest, long size, CancellationToken cancellationToken)
    {
        try
        {
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }
        catch (IOException e) when (StorageFullException.IsDiskFull(e))
        {
            throw Full(e);
        }

        var info = store.Publish(tempPath, digest, size);
        await file.DisposeAsync().ConfigureAwait(false);
        return info;
    }

    protected override async ValueTask DisposeCoreAsync(bool committed)
    {
        await file.DisposeAsync().ConfigureAwait(false);
        if (!committed)
        {
            File.Delete(tempPath);
        }
    }

    private StorageFullException Full(IOException e) => new(tempPath, "writing image content (a blob of a pull, import, commit or build) to", e);
}
