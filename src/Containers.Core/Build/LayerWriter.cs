using System.Formats.Tar;
using Containers.Content;
using Containers.Images;
using Containers.Oci;

namespace Containers.Build;

/// <summary>Writes an uncompressed layer tar straight into the content store, for the files a <c>COPY</c> or <c>ADD</c> adds.</summary>
internal sealed class LayerWriter : IAsyncDisposable
{
    private readonly BlobWriter _blob;
    private readonly TarWriter _tar;
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    public LayerWriter(BlobWriter blob)
    {
        _blob = blob;
        _tar = new TarWriter(_blob.AsStream(), TarEntryFormat.Pax, leaveOpen: true);
    }

    public bool Contains(string name) => _written.Contains(name);

    public Task DirectoryAsync(string name, int mode, int uid, int gid, DateTimeOffset modified, CancellationToken cancellationToken) =>
        WriteAsync(new PaxTarEntry(TarEntryType.Directory, name + "/"), name, mode, uid, gid, modified, cancellationToken);

    public Task FileAsync(string name, Stream data, int mode, int uid, int gid, DateTimeOffset modified, CancellationToken cancellationToken) =>
        WriteAsync(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = data }, name, mode, uid, gid, modified, cancellationToken);

    public Task SymbolicLinkAsync(string name, string target, int uid, int gid, DateTimeOffset modified, CancellationToken cancellationToken) =>
        WriteAsync(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target }, name, 0x1FF, uid, gid, modified, cancellationToken);

    public Task HardLinkAsync(string name, string target, int uid, int gid, DateTimeOffset modified, CancellationToken cancellationToken) =>
        WriteAsync(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target }, name, 0x1A4, uid, gid, modified, cancellationToken);

    private async Task WriteAsync(PaxTarEntry entry, string name, int mode, int uid, int gid, DateTimeOffset modified, CancellationToken cancellationToken)
    {
        entry.Mode = (UnixFileMode)(mode & 0xFFF);
        entry.Uid = uid;
        entry.Gid = gid;
        entry.ModificationTime = modified;
        await _tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        _written.Add(name);
    }

    /// <summary>Finishes the tar and stores it; an uncompressed layer's diff ID is its digest.</summary>
    public async Task<(Descriptor Layer, Digest DiffId)> CommitAsync(CancellationToken cancellationToken)
    {
        await _tar.DisposeAsync().ConfigureAwait(false);
        var info = await _blob.CommitAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return (new Descriptor { MediaType = MediaTypes.OciLayer, Digest = info.Digest, Size = info.Size }, info.Digest);
    }

    public async ValueTask DisposeAsync()
    {
        await _tar.DisposeAsync().ConfigureAwait(false);
        await _blob.DisposeAsync().ConfigureAwait(false);
    }
}
