using Containers.Images;

namespace Containers.Content;

/// <summary>
/// Writes a blob of an <see cref="OciLayoutContentStore"/> to a private temporary file, flushes it to disk and renames
/// it to <c>blobs/&lt;alg&gt;/&lt;hex&gt;</c> on commit.
/// </summary>
/// <remarks>
/// The temporary file stays exclusively locked while the writer lives, so a later engine start can tell
/// an abandoned write (its process died) from one in progress and reclaim only the former.
/// </remarks>
internal sealed class OciLayoutBlobWriter(OciLayoutContentStore store, string tempPath, FileStream file, DigestAlgorithm algorithm) : BlobWriter(algorithm)
{
    protected override ValueTask WriteCoreAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        file.WriteAsync(data, cancellationToken);

    protected override void WriteCore(ReadOnlySpan<byte> data) => file.Write(data);

    protected override async Task<BlobInfo> PublishAsync(Digest digest, long size, CancellationToken cancellationToken)
    {
        await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        file.Flush(flushToDisk: true);
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
}
