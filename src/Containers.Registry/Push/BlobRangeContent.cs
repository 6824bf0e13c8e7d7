using System.Net;
using Containers.Content;
using Containers.Images;

namespace Containers.Registry.Push;

/// <summary>Streams a range of a stored blob as HTTP content, opening the blob afresh for every attempt; <paramref name="sent"/> hears how far it got.</summary>
internal sealed class BlobRangeContent(IContentProvider content, Digest digest, long offset, long length, Action<long>? sent = null) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var blob = await content.OpenReadAsync(digest).ConfigureAwait(false);
        await using (blob.ConfigureAwait(false))
        {
            blob.Seek(offset, SeekOrigin.Begin);
            var buffer = new byte[256 * 1024];
            var remaining = length;
            while (remaining > 0)
            {
                var read = await blob.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining))).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new IOException($"blob {digest} ended early while uploading");
                }

                await stream.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
                remaining -= read;
                sent?.Invoke(offset + length - remaining);
            }
        }
    }

    protected override bool TryComputeLength(out long length1)
    {
        length1 = length;
        return true;
    }
}
